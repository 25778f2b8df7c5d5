/**
 * The ReplicaSet controller across a SIGKILLed leader (issue 11): two control-plane processes
 * on one etcd; the leader is killed in the middle of a burst of creations, and later the new
 * leader in the middle of a scale-down; whoever leads next ends with exactly the pods wanted,
 * neither doubled nor lost, because the pods' controller references (not memory) say what
 * exists. Once converged, the idle cluster writes nothing to etcd.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplicaSet } from '../../../../api/apps-v1';
import type { KubeList } from '../../../../api/meta';
import type { Pod } from '../../../../api/core-v1';
import { until } from '../../../../scripts/cluster/wait-until';
import type { RequestOptions } from '../../../support/api-server-fixture';
import type { ControlPlaneReplica } from '../../../support/control-plane-process';
import { withControlPlaneReplicas } from '../../../support/replica-fixture';

const RS_PATH = '/apis/apps/v1/namespaces/default/replicasets';

describe('ReplicaSet controller: a SIGKILLed leader neither doubles nor loses pods', function () {
  this.timeout(120_000);
  const cluster = withControlPlaneReplicas('rs-failover');
  const call = <T>(on: ControlPlaneReplica, method: string, p: string, options?: RequestOptions): Promise<T> => cluster.get().call<T>(on, method, p, options);

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
    await cluster.get().startLeader();
    await cluster.get().start();
  });

  it('finishes a burst of creations the killed leader began, then a scale-down, with exactly the pods wanted', async () => {
    const [a, b] = cluster.get().alive();
    const body = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: { replicas: 60, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'pikube/busybox:latest' }] } } },
    };
    const rs = await call<ReplicaSet>(a, 'POST', RS_PATH, { body });
    await until(async () => (await ownedPods(a, rs)).length > 0, { timeoutMs: 10_000, intervalMs: 10 });
    await cluster.get().kill(a);
    const midBurst = (await ownedPods(b, rs)).length;
    console.log(`      leader killed with ${midBurst} of 60 pods created`);
    await cluster.get().waitToLead(b);
    await settlesAt(b, rs, 60);

    const c = await cluster.get().start();
    await call(b, 'PATCH', `${RS_PATH}/web/scale`, { body: '{"spec":{"replicas":5}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    await until(async () => (await ownedPods(b, rs)).length < 60, { timeoutMs: 10_000, intervalMs: 10 });
    await cluster.get().kill(b);
    console.log(`      leader killed with ${(await ownedPods(c, rs)).length} pods left of 60 on the way to 5`);
    await cluster.get().waitToLead(c);
    await settlesAt(c, rs, 5);

    const store = cluster.get().etcd.store();
    const before = await store.currentRevision();
    await sleep(2_000);
    assert.equal(await store.currentRevision(), before, 'an idle cluster with a converged ReplicaSet writes nothing');
  });
});
