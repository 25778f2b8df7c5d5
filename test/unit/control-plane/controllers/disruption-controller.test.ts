import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../../../api/apps-v1';
import type { Event, Pod } from '../../../../api/core-v1';
import type { PodDisruptionBudget } from '../../../../api/policy-v1';
import { disruptionController } from '../../../../control-plane/controllers/disruption-controller';
import { stalePodDisruptionController } from '../../../../control-plane/controllers/stale-pod-disruption-controller';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { FakeClock } from '../../../support/fake-clock';

const PDBS = 'poddisruptionbudgets.policy';
const TEMPLATE = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

describe('disruption controller over the in-memory store', () => {
  let store: MemoryStore;
  let clock: FakeClock;
  let harness: ControllerHarness;

  beforeEach(async () => {
    store = new MemoryStore();
    clock = new FakeClock(Date.parse('2026-12-07T10:00:00Z'));
    const registry = new Registry({ store, now: () => new Date(clock.now()) });
    harness = new ControllerHarness({ store, registry, clock });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });
  afterEach(() => harness.stop());

  /** A Deployment of `replicas` whose ReplicaSet (scaled to `rsReplicas`) has `ready` ready pods. */
  async function aDeploymentWithPods(replicas: number, rsReplicas: number, ready: number): Promise<void> {
    const r = harness.registry;
    const dep = await r.create<Deployment>('deployments.apps', 'default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE } });
    const ref = (o: { apiVersion: string; kind: string; metadata: { name?: string; uid?: string } }) => [{ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', controller: true }];
    const rs = await r.create<ReplicaSet>('replicasets.apps', 'default', {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d4f8', ownerReferences: ref(dep) }, spec: { replicas: rsReplicas, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE },
    });
    for (let i = 0; i < ready; i++) {
      const pod = await r.create<Pod>('pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, labels: { app: 'web' }, ownerReferences: ref(rs) }, spec: TEMPLATE.spec });
      await r.updateStatus('pods', 'default', `web-${i}`, { ...pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    }
  }

  const aBudget = (spec: PodDisruptionBudget['spec']) => harness.registry.create<PodDisruptionBudget>(PDBS, 'default', {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  });
  const budget = (): Promise<PodDisruptionBudget> => harness.registry.get<PodDisruptionBudget>(PDBS, 'default', 'web');
  const counts = async (): Promise<string> => {
    const s = (await budget()).status;
    return `${s?.currentHealthy}/${s?.desiredHealthy}/${s?.expectedPods}/${s?.disruptionsAllowed}`;
  };

  it('counts a percentage against the Deployment owning the pods\' ReplicaSet, and then writes nothing more', async () => {
    await aDeploymentWithPods(4, 2, 4);
    await aBudget({ maxUnavailable: '25%' });
    harness.run(disruptionController);
    // 25% of 4 (the Deployment's replicas, not the ReplicaSet's 2) is 1 unavailable: 3 desired.
    await until(async () => (await counts()) === '4/3/4/1', { timeoutMs: 3000, describe: counts });
    await until(async () => (await budget()).status?.observedGeneration === 1, { timeoutMs: 3000 });
    const revision = await store.currentRevision();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await store.currentRevision(), revision, 'an idle budget is written once');
  });

  it('keeps a granted eviction out of the healthy count for 2 minutes, then warns NotDeleted and counts the pod again', async () => {
    await aDeploymentWithPods(3, 3, 3);
    await aBudget({ minAvailable: 2 });
    harness.run(disruptionController);
    await until(async () => (await counts()) === '3/2/3/1', { timeoutMs: 3000, describe: counts });
    const granted = new Date(clock.now()).toISOString().replace(/\.000Z$/, 'Z');
    const current = await budget();
    await harness.registry.updateStatus(PDBS, 'default', 'web', { ...current, status: { ...current.status!, disruptionsAllowed: 0, disruptedPods: { 'web-0': granted } } });
    await until(async () => (await counts()) === '2/2/3/0', { timeoutMs: 3000, describe: counts });
    assert.deepEqual((await budget()).status?.disruptedPods, { 'web-0': granted });
    await clock.advance(119_000);
    assert.equal(await counts(), '2/2/3/0');
    await clock.advance(2_000);
    await until(async () => (await counts()) === '3/2/3/1', { timeoutMs: 3000, describe: counts });
    assert.equal((await budget()).status?.disruptedPods, undefined);
    const events = (await harness.registry.list<Event>('events', { namespace: 'default' })).items;
    const notDeleted = events.find((e) => e.reason === 'NotDeleted');
    assert.deepEqual([notDeleted?.involvedObject.name, notDeleted?.type, notDeleted?.message], ['web-0', 'Warning', "Pod was expected by PDB default/default to be deleted but it wasn't"]);
  });

  it('fails safe with SyncFailed when a percentage cannot find the pods\' owner', async () => {
    await harness.registry.create<Pod>('pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'x', controller: true }] }, spec: TEMPLATE.spec });
    await aBudget({ minAvailable: '50%' });
    harness.run(disruptionController);
    await until(async () => (await budget()).status?.conditions?.[0]?.reason === 'SyncFailed', { timeoutMs: 3000, describe: async () => JSON.stringify((await budget()).status) });
    assert.equal((await budget()).status?.conditions?.[0]?.message, 'found no controllers for pod "web-0"');
    const events = (await harness.registry.list<Event>('events', { namespace: 'default' })).items.map((e) => `${e.reason}: ${e.message}`);
    assert.ok(events.includes('CalculateExpectedPodCountFailed: Failed to calculate the number of expected pods: found no controllers for pod "web-0"'), events.join('\n'));
  });

  it('clears a DisruptionTarget mark on a pod still not deleted 2 minutes later', async () => {
    await aDeploymentWithPods(1, 1, 1);
    const marked = new Date(clock.now()).toISOString().replace(/\.000Z$/, 'Z');
    const pod = await harness.registry.get<Pod>('pods', 'default', 'web-0');
    const target = { type: 'DisruptionTarget', status: 'True' as const, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: marked };
    await harness.registry.updateStatus('pods', 'default', 'web-0', { ...pod, status: { ...pod.status, conditions: [...(pod.status?.conditions ?? []), target] } });
    harness.run(stalePodDisruptionController);
    const condition = async () => (await harness.registry.get<Pod>('pods', 'default', 'web-0')).status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(100_000);
    assert.equal((await condition())?.status, 'True');
    await clock.advance(21_000);
    await until(async () => (await condition())?.status === 'False', { timeoutMs: 3000, describe: async () => JSON.stringify(await condition()) });
    assert.equal((await condition())?.reason, 'EvictionByEvictionAPI');
  });
});
