import assert from 'node:assert/strict';
import type { ReplicaSet } from '../../../../api/apps-v1';
import type { Event, Pod } from '../../../../api/core-v1';
import { replicaSetController } from '../../../../control-plane/controllers/replica-set-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';

const RS = 'replicasets.apps';

function aReplicaSet(name: string, replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  };
}

function anOrphan(name: string, app: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('replica set controller over the in-memory store', () => {
  let store: MemoryStore;
  let harness: ControllerHarness;

  beforeEach(async () => {
    store = new MemoryStore();
    harness = new ControllerHarness({ store }).run(replicaSetController);
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });
  afterEach(() => harness.stop());

  const pods = async (): Promise<Pod[]> => (await harness.registry.list<Pod>('pods', { namespace: 'default' })).items;
  const podsOf = async (rs: ReplicaSet): Promise<Pod[]> => (await pods()).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
  const getRs = (name: string): Promise<ReplicaSet> => harness.registry.get<ReplicaSet>(RS, 'default', name);
  const describePods = async (): Promise<string> => JSON.stringify((await pods()).map((p) => [p.metadata.name, p.metadata.labels, p.metadata.ownerReferences?.map((r) => r.name)]));

  async function converged(name: string, replicas: number): Promise<Pod[]> {
    const rs = await getRs(name);
    await until(async () => (await podsOf(rs)).length === replicas && (await getRs(name)).status?.replicas === replicas, { timeoutMs: 5000, describe: describePods });
    return podsOf(rs);
  }

  it('creates its pods from the template, named after it, with it as their blocking controller, and reports them', async () => {
    const rs = await harness.registry.create<ReplicaSet>(RS, 'default', aReplicaSet('web', 3));
    const created = await converged('web', 3);
    for (const pod of created) {
      assert.match(pod.metadata.name ?? '', /^web-[a-z0-9]{5}$/);
      assert.deepEqual(pod.metadata.labels, { app: 'web' });
      assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    assert.deepEqual((await getRs('web')).status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const events = (await harness.registry.list<Event>('events', { namespace: 'default' })).items;
    assert.equal(events.filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.name === 'web').length, 3);
  });

  it('creates a burst of 40 pods exactly once', async () => {
    await harness.registry.create(RS, 'default', aReplicaSet('burst', 40));
    await converged('burst', 40);
    await pause(300);
    assert.equal((await pods()).length, 40);
  });

  it('writes nothing more once converged (an idle cluster is quiet)', async () => {
    await harness.registry.create(RS, 'default', aReplicaSet('quiet', 2));
    await converged('quiet', 2);
    await pause(200);
    const revision = await store.currentRevision();
    await pause(500);
    assert.equal(await store.currentRevision(), revision);
  });

  it('scales down through the scale subresource, deleting the surplus, and up again', async () => {
    await harness.registry.create(RS, 'default', aReplicaSet('web', 4));
    await converged('web', 4);
    await harness.registry.patchScale(RS, 'default', 'web', 'merge-patch', { spec: { replicas: 1 } });
    await converged('web', 1);
    assert.equal((await getRs('web')).status?.observedGeneration, 2);
    await harness.registry.updateScale(RS, 'default', 'web', { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 } });
    await converged('web', 2);
  });

  it('releases a pod relabelled out of it and makes a replacement', async () => {
    await harness.registry.create(RS, 'default', aReplicaSet('web', 2));
    const [pod] = await converged('web', 2);
    await harness.registry.patch('pods', 'default', pod.metadata.name ?? '', 'merge-patch', { metadata: { labels: { app: 'debug' } } });
    await until(async () => (await harness.registry.get<Pod>('pods', 'default', pod.metadata.name ?? '')).metadata.ownerReferences === undefined, { timeoutMs: 5000, describe: describePods });
    await converged('web', 2);
    assert.equal((await pods()).length, 3);
  });

  it('adopts a matching orphan instead of creating a pod', async () => {
    await harness.registry.create('pods', 'default', anOrphan('stray', 'web'));
    const rs = await harness.registry.create<ReplicaSet>(RS, 'default', aReplicaSet('web', 2));
    const owned = await converged('web', 2);
    assert.ok(owned.some((p) => p.metadata.name === 'stray'), await describePods());
    const stray = await harness.registry.get<Pod>('pods', 'default', 'stray');
    assert.deepEqual(stray.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal((await pods()).length, 2);
  });

  it('leaves a pod another ReplicaSet controls alone, though its selector matches it', async () => {
    await harness.registry.create(RS, 'default', aReplicaSet('first', 1));
    const [theirs] = await converged('first', 1);
    const greedy = { ...aReplicaSet('greedy', 1), spec: { ...aReplicaSet('greedy', 1).spec, selector: { matchExpressions: [{ key: 'app', operator: 'In' as const, values: ['first', 'greedy'] }] } } };
    await harness.registry.create(RS, 'default', greedy);
    await converged('greedy', 1);
    assert.equal((await harness.registry.get<Pod>('pods', 'default', theirs.metadata.name ?? '')).metadata.ownerReferences?.[0]?.name, 'first');
  });

  it('counts ready pods once their node reports them ready', async () => {
    await harness.registry.create(RS, 'default', aReplicaSet('web', 2));
    const created = await converged('web', 2);
    for (const pod of created) {
      const status = { phase: 'Running' as const, conditions: [{ type: 'Ready', status: 'True' as const, lastTransitionTime: new Date().toISOString() }] };
      await harness.registry.updateStatus('pods', 'default', pod.metadata.name ?? '', { ...pod, status });
    }
    await until(async () => (await getRs('web')).status?.availableReplicas === 2, { timeoutMs: 5000, describe: async () => JSON.stringify((await getRs('web')).status) });
    assert.equal((await getRs('web')).status?.readyReplicas, 2);
  });

  it('quietly makes no pods in a namespace being terminated', async () => {
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } });
    const rs = await harness.registry.create<ReplicaSet>(RS, 'going', { ...aReplicaSet('web', 2), metadata: { name: 'web', namespace: 'going' } });
    const owned = async (): Promise<Pod[]> => (await harness.registry.list<Pod>('pods', { namespace: 'going' })).items.filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
    await until(async () => (await owned()).length === 2, { timeoutMs: 5000 });
    await harness.registry.delete('namespaces', undefined, 'going');
    await harness.registry.delete('pods', 'going', (await owned())[0]?.metadata.name ?? '');
    await pause(500);
    assert.equal((await owned()).length, 1);
    assert.deepEqual(harness.logs, []);
  });

  it('a controller stopped mid-burst and started anew ends with exactly the pods wanted', async () => {
    await harness.registry.create(RS, 'default', aReplicaSet('web', 30));
    await until(async () => (await pods()).length > 0, { timeoutMs: 5000 });
    await harness.stop();
    harness = new ControllerHarness({ store }).run(replicaSetController);
    await converged('web', 30);
    await pause(300);
    assert.equal((await pods()).length, 30);
  });
});
