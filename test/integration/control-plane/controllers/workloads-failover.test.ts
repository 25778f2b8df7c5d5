/**
 * Workload controllers across a SIGKILLed leader (issue 11): two control-plane processes on one
 * etcd and a fake kubelet that reports every pod Running and Ready after a short delay. The
 * leader is killed in the middle of a Deployment's rolling update, and the next leader in the
 * middle of a StatefulSet's ordered scale-up; each completes after the takeover with exactly the
 * right pods: the rollout ends with `replicas` pods of the new template and no other, the
 * StatefulSet with `web-0 … web-N-1`, none of those created before the kill replaced.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deployment, ReplicaSet, StatefulSet } from '../../../../api/apps-v1';
import type { Pod } from '../../../../api/core-v1';
import type { KubeList } from '../../../../api/meta';
import { until } from '../../../../scripts/cluster/wait-until';
import type { ControlPlaneReplica } from '../../../support/control-plane-process';
import { startFakeKubelet, type ApiCall, type FakeKubelet } from '../../../support/fake-kubelet';
import { withControlPlaneReplicas } from '../../../support/replica-fixture';

const APPS = '/apis/apps/v1/namespaces/default';
const PODS = '/api/v1/namespaces/default/pods';

describe('workload controllers: a SIGKILLed leader mid-rollout and mid-scale-up', function () {
  this.timeout(180_000);
  const cluster = withControlPlaneReplicas('workload-failover');
  let kubelet: FakeKubelet;
  const call: ApiCall = (method, p, body) => {
    const [first] = cluster.get().alive();
    if (!first) throw new Error('no replica alive');
    return apiOf(first)(method, p, body);
  };
  const apiOf = (on: ControlPlaneReplica): ApiCall => async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const headers = method === 'PATCH' ? { 'Content-Type': 'application/strategic-merge-patch+json' } : undefined;
    return cluster.get().call<T>(on, method, p, { body: body as object | undefined, headers });
  };

  async function killLeader(): Promise<void> {
    const fixture = cluster.get();
    const leader = fixture.alive().find((r) => r.process.logs.some((l) => /is now the leader/.test(l)));
    assert.ok(leader, 'a leader');
    await fixture.kill(leader);
    const [next] = fixture.alive();
    assert.ok(next, 'a replica left');
    await fixture.waitToLead(next);
  }

  const pods = async (): Promise<Pod[]> => (await call<KubeList<Pod>>('GET', PODS)).items;

  before(async function () {
    this.timeout(60_000);
    await cluster.get().startLeader();
    await cluster.get().start();
    kubelet = startFakeKubelet(() => cluster.get().alive().map(apiOf), { namespace: 'default', delayMs: 300 });
  });

  after(async () => kubelet?.stop());

  it('a rolling update interrupted by a SIGKILL completes with exactly the new pods', async () => {
    const template = (image: string): object => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });
    await call('POST', `${APPS}/deployments`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { replicas: 8, selector: { matchLabels: { app: 'web' } }, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, template: template('pikube/busybox:v1') },
    });
    const deployment = async (): Promise<Deployment> => call<Deployment>('GET', `${APPS}/deployments/web`);
    const done = async (generation: number): Promise<boolean> => {
      const d = await deployment();
      const s = d.status ?? {};
      return s.observedGeneration === generation && s.updatedReplicas === 8 && s.availableReplicas === 8 && s.replicas === 8;
    };
    const describe = async (): Promise<string> => `status ${JSON.stringify((await deployment()).status)}; ${(await pods()).length} pods`;
    await until(() => done(1), { timeoutMs: 30_000, describe });

    await call('PATCH', `${APPS}/deployments/web`, { spec: { template: template('pikube/busybox:v2') } });
    const updated = async (): Promise<number> => (await pods()).filter((p) => p.spec.containers[0]?.image === 'pikube/busybox:v2' && !p.metadata.deletionTimestamp).length;
    await until(async () => (await updated()) >= 2, { timeoutMs: 30_000, intervalMs: 20, describe });
    const atKill = await updated();
    await killLeader();
    console.log(`      leader killed with ${atKill} of 8 pods updated`);
    assert.ok(atKill < 8, `the rollout was still under way at the kill (${atKill} of 8 updated)`);

    await until(() => done(2), { timeoutMs: 45_000, describe });
    await sleep(1_000);
    const current = (await pods()).filter((p) => !p.metadata.deletionTimestamp);
    assert.deepEqual(current.map((p) => p.spec.containers[0]?.image), Array(8).fill('pikube/busybox:v2'), await describe());
    const sets = (await call<KubeList<ReplicaSet>>('GET', `${APPS}/replicasets`)).items;
    assert.equal(sets.length, 2, 'one ReplicaSet per template');
    assert.deepEqual(sets.map((rs) => rs.spec.replicas).sort(), [0, 8]);
  });

  it('an ordered scale-up interrupted by a SIGKILL ends with db-0 … db-4, none replaced', async () => {
    await cluster.get().start();
    await call('POST', `${APPS}/statefulsets`, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
      spec: { replicas: 5, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'pikube/busybox:v1' }] } } },
    });
    const setPods = async (): Promise<Pod[]> => (await pods()).filter((p) => p.metadata.labels?.app === 'db');
    await until(async () => (await setPods()).length >= 2, { timeoutMs: 30_000, intervalMs: 20 });
    const before = new Map((await setPods()).map((p) => [p.metadata.name ?? '', p.metadata.uid ?? '']));
    await killLeader();
    console.log(`      leader killed with ${before.size} of 5 pods created`);
    assert.ok(before.size < 5, 'the scale-up was still under way at the kill');

    const describe = async (): Promise<string> => `${(await setPods()).map((p) => p.metadata.name).join(',')}; status ${JSON.stringify((await call<StatefulSet>('GET', `${APPS}/statefulsets/db`)).status)}`;
    await until(async () => (await call<StatefulSet>('GET', `${APPS}/statefulsets/db`)).status?.readyReplicas === 5, { timeoutMs: 45_000, describe });
    await sleep(1_000);
    const after = await setPods();
    assert.deepEqual(after.map((p) => p.metadata.name).sort(), ['db-0', 'db-1', 'db-2', 'db-3', 'db-4'], await describe());
    for (const [name, uid] of before) assert.equal(after.find((p) => p.metadata.name === name)?.metadata.uid, uid, `${name} kept`);

    const store = cluster.get().etcd.store();
    const revision = await store.currentRevision();
    await sleep(2_000);
    assert.equal(await store.currentRevision(), revision, 'an idle cluster with converged workloads writes nothing');
  });
});
