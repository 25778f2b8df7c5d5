import assert from 'node:assert/strict';
import type { ControllerRevision, StatefulSet } from '../../../../api/apps-v1';
import type { Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import { statefulSetController } from '../../../../control-plane/controllers/stateful-set-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';

const STS = 'statefulsets.apps';

function aSet(replicas: number, podManagementPolicy: 'OrderedReady' | 'Parallel' = 'Parallel'): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas, serviceName: 'nginx', podManagementPolicy, selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

describe('stateful set controller over the in-memory store', () => {
  let store: MemoryStore;
  let harness: ControllerHarness;

  beforeEach(async () => {
    store = new MemoryStore();
    harness = new ControllerHarness({ store });
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });
  afterEach(() => harness.stop());

  const podNames = async (): Promise<string[]> => (await harness.registry.list<Pod>('pods', { namespace: 'default' })).items.map((p) => p.metadata.name ?? '').sort();
  const revisions = async (): Promise<ControllerRevision[]> => (await harness.registry.list<ControllerRevision>('controllerrevisions.apps', { namespace: 'default' })).items;
  const getSet = (): Promise<StatefulSet> => harness.registry.get<StatefulSet>(STS, 'default', 'web');

  it('creates the pods and one revision, and a second controller after a restart creates nothing more', async () => {
    harness.run(statefulSetController);
    await harness.registry.create(STS, 'default', aSet(4));
    await until(async () => (await podNames()).length === 4 && (await getSet()).status?.replicas === 4, { timeoutMs: 5000, describe: async () => (await podNames()).join(',') });
    const before = await getSet();
    await harness.stop();
    // A new leader: fresh informers, no expectations, the same state in the store.
    harness = new ControllerHarness({ store }).run(statefulSetController);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await podNames(), ['web-0', 'web-1', 'web-2', 'web-3']);
    assert.equal((await revisions()).length, 1);
    assert.equal((await getSet()).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('recreates a pod deleted by hand under its own name', async () => {
    harness.run(statefulSetController);
    await harness.registry.create(STS, 'default', aSet(2));
    await until(async () => (await podNames()).length === 2, { timeoutMs: 5000 });
    const old = await harness.registry.get<Pod>('pods', 'default', 'web-1');
    await harness.registry.delete('pods', 'default', 'web-1');
    await until(async () => (await harness.registry.get<Pod>('pods', 'default', 'web-1').catch(() => undefined))?.metadata.uid !== old.metadata.uid
      && (await podNames()).length === 2, { timeoutMs: 5000 });
  });

  it('deletes a failed pod and creates it again, under OrderedReady too', async () => {
    harness.run(statefulSetController);
    await harness.registry.create(STS, 'default', aSet(1, 'OrderedReady'));
    await until(async () => (await podNames()).length === 1, { timeoutMs: 5000 });
    const old = await harness.registry.get<Pod>('pods', 'default', 'web-0');
    await harness.registry.updateStatus('pods', 'default', 'web-0', { ...old, status: { ...old.status, phase: 'Failed' } });
    await until(async () => {
      const now = await harness.registry.get<Pod>('pods', 'default', 'web-0').catch(() => undefined);
      return now !== undefined && now.metadata.uid !== old.metadata.uid && now.status?.phase === 'Pending';
    }, { timeoutMs: 5000 });
  });

  it('releases a pod relabelled out of its selector, and makes a new one under the name once it is free', async () => {
    harness.run(statefulSetController);
    const set = await harness.registry.create<StatefulSet>(STS, 'default', aSet(1));
    await until(async () => (await podNames()).length === 1, { timeoutMs: 5000 });
    await harness.registry.patch('pods', 'default', 'web-0', 'merge-patch', { metadata: { labels: { app: 'debug' } } });
    await until(async () => !(await harness.registry.get<Pod>('pods', 'default', 'web-0')).metadata.ownerReferences?.some((r) => r.uid === set.metadata.uid), { timeoutMs: 5000 });
    await harness.registry.delete('pods', 'default', 'web-0');
    await until(async () => (await harness.registry.get<Pod>('pods', 'default', 'web-0').catch(() => undefined))?.metadata.labels?.app === 'nginx', { timeoutMs: 5000 });
  });

  it('waits for a claim being deleted, and creates the claim and the pod once it is gone', async () => {
    harness.run(statefulSetController);
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www-web-0', namespace: 'default', finalizers: ['example.com/hold'] }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const held = await harness.registry.create<KubeObject>('persistentvolumeclaims', 'default', claim);
    await harness.registry.delete('persistentvolumeclaims', 'default', 'www-web-0');
    const set = aSet(1);
    set.spec.volumeClaimTemplates = [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
    await harness.registry.create(STS, 'default', set);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await podNames(), []);
    await harness.registry.patch('persistentvolumeclaims', 'default', 'www-web-0', 'merge-patch', { metadata: { finalizers: null } });
    await until(async () => (await podNames()).length === 1, { timeoutMs: 5000 });
    const fresh = await harness.registry.get<KubeObject>('persistentvolumeclaims', 'default', 'www-web-0');
    assert.notEqual(fresh.metadata.uid, held.metadata.uid);
  });

  it('creates only web-0 under OrderedReady while it is not ready', async () => {
    harness.run(statefulSetController);
    await harness.registry.create(STS, 'default', aSet(3, 'OrderedReady'));
    await until(async () => (await podNames()).length === 1, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await podNames(), ['web-0']);
  });
});
