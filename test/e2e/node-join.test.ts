/**
 * A Pi joins a running simulated cluster as a real one does: its agent is given only the API
 * server, a bootstrap token and the CA hash (`pikube-server token create --print-join-command`),
 * fetches and pins the CA, has its node CSR auto-approved, turns Ready and runs a pod; after a
 * restart with the token deleted, its stored certificate is all it needs.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { startAgent, stopAgentOf, waitNodesReady } from '../../scripts/cluster/cluster';
import { until } from '../../scripts/cluster/wait-until';
import { withTestCluster } from '../support/cluster-fixture';

describe('a node joining with a bootstrap token (simulated cluster)', function () {
  this.timeout(180_000);
  const cluster = withTestCluster({ nodes: ['pi1'] });
  const tc = () => cluster.get();
  const kubectl = async (...args: string[]): Promise<string> => {
    const r = await tc().kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  it('joins with only the token and the CA hash, is Ready and runs pods', async () => {
    const node = await tc().addNode('pi2');
    assert.ok(node.join, 'pi2 was started with join flags');
    assert.ok(!existsSync(path.join(node.dir, 'pki', 'node.crt')), 'no certificate was handed to pi2');
    const stored = path.join(node.dir, 'agent', 'pki');
    assert.equal(statSync(path.join(stored, 'node.key')).mode & 0o777, 0o600);
    assert.match(await kubectl('get', 'csr'), /node-csr-\w+\s+\S+\s+kubernetes.io\/kube-apiserver-client-kubelet\s+system:bootstrap:[a-z0-9]{6}\s+<none>\s+Approved,Issued/);
    await kubectl('run', 'joined', '--image=pikube/busybox:latest', '--image-pull-policy=IfNotPresent', '--overrides={"spec":{"nodeName":"pi2"}}', '--', 'sleep', '3600');
    await until(async () => (await kubectl('get', 'pod', 'joined', '-o', 'jsonpath={.status.phase}')) === 'Running', { timeoutMs: 60_000, describe: () => 'pod on pi2 not Running' });
  });

  it('restarts on its stored certificate once the token is gone', async () => {
    const node = tc().nodes.find((n) => n.name === 'pi2');
    assert.ok(node?.join);
    await kubectl('delete', 'secret', '-n', 'kube-system', `bootstrap-token-${node.join.token.split('.')[0] ?? ''}`);
    await stopAgentOf(tc().cluster, 'pi2');
    const readyOf = () => kubectl('get', 'node', 'pi2', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}');
    await until(async () => (await readyOf()) !== 'True', { timeoutMs: 30_000, describe: () => 'pi2 stayed Ready without its agent' });
    startAgent(tc().cluster, 'pi2');
    await waitNodesReady(tc().cluster, 60_000, ['pi2']);
    assert.equal((await kubectl('get', 'csr', '-o', 'name')).trim().split('\n').length, 1, 'no second certificate was requested');
  });
});
