/**
 * The DaemonSet controller across a SIGKILLed leader (issue 11): two control-plane processes on
 * one etcd and 40 nodes; the leader is killed in the middle of the DaemonSet's burst of
 * creations, and the next leader ends with exactly one pod per node, neither doubled nor lost,
 * because the pods' controller references and node affinity (not memory) say what exists. Once
 * converged, the DaemonSet writes nothing more. (No agents: the nodes turn unreachable, so the
 * template tolerates every taint, as a cluster-wide agent often does.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonSet } from '../../../../api/apps-v1';
import type { KubeList } from '../../../../api/meta';
import type { Pod } from '../../../../api/core-v1';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../../../control-plane/auth/cluster-pki';
import type { KeyPair } from '../../../../control-plane/auth/pki';
import { targetNodeName } from '../../../../control-plane/controllers/daemon-set-pods';
import { until } from '../../../../scripts/cluster/wait-until';
import { httpsRequest, type RequestOptions } from '../../../support/api-server-fixture';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

/** The election's lease TTL (control-plane.ts): how long a SIGKILLed leader's key outlives it. */
const LEASE_TTL_MS = 10_000;
const DS_PATH = '/apis/apps/v1/namespaces/default/daemonsets';
const NODES = Array.from({ length: 40 }, (_, i) => `node-${String(i).padStart(2, '0')}`);

describe('DaemonSet controller: a SIGKILLed leader neither doubles nor loses pods', function () {
  this.timeout(120_000);
  const etcd = withEtcd();
  let dir: string;
  let pki: ClusterPki;
  let admin: KeyPair;
  /** One key prefix for both replicas (each keySpace() call is a fresh one). */
  let prefix: string;
  const replicas: ControlPlaneReplica[] = [];

  async function startReplica(): Promise<ControlPlaneReplica> {
    const replica = await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: prefix });
    replicas.push(replica);
    return replica;
  }

  async function call<T>(on: ControlPlaneReplica, method: string, p: string, options: RequestOptions = {}): Promise<T> {
    const res = await httpsRequest(on.apiPort, pki, admin, method, p, { timeoutMs: 5_000, ...options });
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${res.text}`);
    return res.json<T>();
  }

  const ownedPods = async (on: ControlPlaneReplica, ds: DaemonSet): Promise<Pod[]> =>
    (await call<KubeList<Pod>>(on, 'GET', '/api/v1/namespaces/default/pods')).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === ds.metadata.uid && r.controller));

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-ds-failover-'));
    prefix = etcd.get().keySpace().prefix;
    pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    admin = issueAdminCertificate(pki.ca);
    const leader = await startReplica();
    await leader.process.waitForLog(/is now the leader/, 20_000);
    await startReplica();
    for (const name of NODES) await call(leader, 'POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name } } });
  });

  after(async function () {
    this.timeout(30_000);
    await Promise.all(replicas.map((r) => r.process.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the burst of creations the killed leader began with exactly one pod per node', async () => {
    const [a, b] = replicas;
    const body = {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { tolerations: [{ operator: 'Exists' }], containers: [{ name: 'c', image: 'pikube/busybox:latest' }] } } },
    };
    const ds = await call<DaemonSet>(a, 'POST', DS_PATH, { body });
    await until(async () => (await ownedPods(a, ds)).length > 0, { timeoutMs: 10_000, intervalMs: 10 });
    await a.process.kill('SIGKILL');
    console.log(`      leader killed with ${(await ownedPods(b, ds)).length} of ${NODES.length} pods created`);
    await b.process.waitForLog(/is now the leader/, LEASE_TTL_MS + 10_000);
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
