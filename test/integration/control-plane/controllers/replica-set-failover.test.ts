/**
 * The ReplicaSet controller across a SIGKILLed leader (issue 11): two control-plane processes
 * on one etcd; the leader is killed in the middle of a burst of creations, and later the new
 * leader in the middle of a scale-down; whoever leads next ends with exactly the pods wanted,
 * neither doubled nor lost, because the pods' controller references (not memory) say what
 * exists. Once converged, the idle cluster writes nothing to etcd.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplicaSet } from '../../../../api/apps-v1';
import type { KubeList } from '../../../../api/meta';
import type { Pod } from '../../../../api/core-v1';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../../../control-plane/auth/cluster-pki';
import type { KeyPair } from '../../../../control-plane/auth/pki';
import { until } from '../../../../scripts/cluster/wait-until';
import { httpsRequest, type RequestOptions } from '../../../support/api-server-fixture';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../../support/control-plane-process';
import { withEtcd } from '../../../support/etcd-fixture';

/** The election's lease TTL (control-plane.ts): how long a SIGKILLed leader's key outlives it. */
const LEASE_TTL_MS = 10_000;
const RS_PATH = '/apis/apps/v1/namespaces/default/replicasets';

describe('ReplicaSet controller: a SIGKILLed leader neither doubles nor loses pods', function () {
  this.timeout(120_000);
  const etcd = withEtcd();
  let dir: string;
  let pki: ClusterPki;
  let admin: KeyPair;
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

  const ownedPods = async (on: ControlPlaneReplica, rs: ReplicaSet): Promise<Pod[]> =>
    (await call<KubeList<Pod>>(on, 'GET', '/api/v1/namespaces/default/pods')).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid && r.controller));

  async function settlesAt(on: ControlPlaneReplica, rs: ReplicaSet, replicasWanted: number): Promise<void> {
    const describe = async (): Promise<string> => `${(await ownedPods(on, rs)).length} pods; ${on.process.logs.slice(-5).join(' | ')}`;
    await until(async () => (await ownedPods(on, rs)).length === replicasWanted
      && (await call<ReplicaSet>(on, 'GET', `${RS_PATH}/web`)).status?.replicas === replicasWanted, { timeoutMs: 30_000, describe });
    await sleep(1_000); // anything a doubled pass would create shows by now
    assert.equal((await ownedPods(on, rs)).length, replicasWanted, await describe());
  }

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-rs-failover-'));
    prefix = etcd.get().keySpace().prefix;
    pki = loadOrCreateClusterPki(dir, '127.0.0.1');
    admin = issueAdminCertificate(pki.ca);
    const leader = await startReplica();
    await leader.process.waitForLog(/is now the leader/, 20_000);
    await startReplica();
  });

  after(async function () {
    this.timeout(30_000);
    await Promise.all(replicas.map((r) => r.process.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes a burst of creations the killed leader began, then a scale-down, with exactly the pods wanted', async () => {
    const [a, b] = replicas;
    const body = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: { replicas: 60, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'pikube/busybox:latest' }] } } },
    };
    const rs = await call<ReplicaSet>(a, 'POST', RS_PATH, { body });
    await until(async () => (await ownedPods(a, rs)).length > 0, { timeoutMs: 10_000, intervalMs: 10 });
    await a.process.kill('SIGKILL');
    const midBurst = (await ownedPods(b, rs)).length;
    console.log(`      leader killed with ${midBurst} of 60 pods created`);
    await b.process.waitForLog(/is now the leader/, LEASE_TTL_MS + 10_000);
    await settlesAt(b, rs, 60);

    const c = await startReplica();
    await call(b, 'PATCH', `${RS_PATH}/web/scale`, { body: '{"spec":{"replicas":5}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    await until(async () => (await ownedPods(b, rs)).length < 60, { timeoutMs: 10_000, intervalMs: 10 });
    await b.process.kill('SIGKILL');
    console.log(`      leader killed with ${(await ownedPods(c, rs)).length} pods left of 60 on the way to 5`);
    await c.process.waitForLog(/is now the leader/, LEASE_TTL_MS + 10_000);
    await settlesAt(c, rs, 5);

    const store = etcd.get().store();
    const before = await store.currentRevision();
    await sleep(2_000);
    assert.equal(await store.currentRevision(), before, 'an idle cluster with a converged ReplicaSet writes nothing');
  });
});
