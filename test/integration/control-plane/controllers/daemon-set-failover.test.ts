/**
 * The DaemonSet controller across a SIGKILLed leader (issue 11): two control-plane processes on
 * one etcd and 40 nodes; the leader is killed in the middle of the DaemonSet's burst of
 * creations, and the next leader ends with exactly one pod per node, neither doubled nor lost,
 * because the pods' controller references and node affinity (not memory) say what exists. Once
 * converged, the DaemonSet writes nothing more. (No agents: the nodes turn unreachable, so the
 * template tolerates every taint, as a cluster-wide agent often does.)
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonSet } from '../../../../api/apps-v1';
import type { KubeList } from '../../../../api/meta';
import type { Pod } from '../../../../api/core-v1';
import { targetNodeName } from '../../../../control-plane/controllers/daemon-set-pods';
import { until } from '../../../../scripts/cluster/wait-until';
import type { RequestOptions } from '../../../support/api-server-fixture';
import type { ControlPlaneReplica } from '../../../support/control-plane-process';
import { withControlPlaneReplicas } from '../../../support/replica-fixture';

const DS_PATH = '/apis/apps/v1/namespaces/default/daemonsets';
const NODES = Array.from({ length: 40 }, (_, i) => `node-${String(i).padStart(2, '0')}`);

describe('DaemonSet controller: a SIGKILLed leader neither doubles nor loses pods', function () {
  this.timeout(120_000);
  const cluster = withControlPlaneReplicas('ds-failover');
  const call = <T>(on: ControlPlaneReplica, method: string, p: string, options?: RequestOptions): Promise<T> => cluster.get().call<T>(on, method, p, options);

  const ownedPods = async (on: ControlPlaneReplica, ds: DaemonSet): Promise<Pod[]> =>
    (await call<KubeList<Pod>>(on, 'GET', '/api/v1/namespaces/default/pods')).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === ds.metadata.uid && r.controller));

  before(async function () {
    this.timeout(60_000);
    const leader = await cluster.get().startLeader();
    await cluster.get().start();
    for (const name of NODES) await call(leader, 'POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name } } });
  });

  it('finishes the burst of creations the killed leader began with exactly one pod per node', async () => {
    const [a, b] = cluster.get().alive();
    const body = {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { tolerations: [{ operator: 'Exists' }], containers: [{ name: 'c', image: 'pikube/busybox:latest' }] } } },
    };
    const ds = await call<DaemonSet>(a, 'POST', DS_PATH, { body });
    await until(async () => (await ownedPods(a, ds)).length > 0, { timeoutMs: 10_000, intervalMs: 10 });
    await cluster.get().kill(a);
    console.log(`      leader killed with ${(await ownedPods(b, ds)).length} of ${NODES.length} pods created`);
    await cluster.get().waitToLead(b);
    const nodesOfPods = async (): Promise<string[]> => (await ownedPods(b, ds)).map((p) => targetNodeName(p) ?? '?').sort();
    const describe = async (): Promise<string> => `${JSON.stringify(await nodesOfPods())}; ${b.process.logs.filter((l) => !l.includes('node-lifecycle')).slice(-8).join(' | ')}`;
    await until(async () => JSON.stringify(await nodesOfPods()) === JSON.stringify(NODES)
      && (await call<DaemonSet>(b, 'GET', `${DS_PATH}/agent`)).status?.currentNumberScheduled === NODES.length, { timeoutMs: 30_000, describe });
    await sleep(1_000); // anything a doubled pass would create shows by now
    assert.deepEqual(await nodesOfPods(), NODES, await describe());

    const settled = await call<DaemonSet>(b, 'GET', `${DS_PATH}/agent`);
    await sleep(3_000);
    assert.equal((await call<DaemonSet>(b, 'GET', `${DS_PATH}/agent`)).metadata.resourceVersion, settled.metadata.resourceVersion, 'a converged DaemonSet is not written again');
  });
});
