import assert from 'node:assert/strict';
import type { Pod } from '../../../../../api/core-v1';
import { BY_NAMESPACE, BY_NODE, BY_OWNER_UID, InformerFactory } from '../../../../../control-plane/controllers/framework/informer-factory';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';
import { until } from '../../../../../scripts/cluster/wait-until';

const ref = (resource: string) => ({ group: '', resource, namespaced: resource !== 'nodes' });
const pod = (name: string, namespace: string, nodeName?: string, owner?: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace, uid: `uid-${name}`, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner, controller: true }] } : {}) },
  spec: { nodeName, containers: [] },
});

describe('informer factory', () => {
  let store: MemoryStore;
  let factory: InformerFactory;

  beforeEach(() => {
    store = new MemoryStore();
    factory = new InformerFactory({ store, keySpace: { prefix: '/registry' }, resolve: (name) => ref(name === 'Pod' ? 'pods' : name) });
  });

  afterEach(() => factory.dispose());

  it('gives metadata readers the full informer a resource has, and otherwise one that keeps only metadata', async () => {
    const nodes = factory.forResource('nodes');
    assert.equal(factory.forMetadata('nodes'), nodes);
    const pods = factory.forMetadata('pods');
    assert.equal(factory.forMetadata('Pod'), pods);
    factory.start();
    await store.create('/registry/core/pods/a/p1', pod('p1', 'a', 'pi1', 'rs-1'));
    await until(() => pods.list().length === 1, { timeoutMs: 1000 });
    assert.deepEqual(Object.keys(pods.get('a/p1') ?? {}).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.deepEqual(pods.byIndex(BY_OWNER_UID, 'rs-1').map((p) => p.metadata.name), ['p1']);
  });

  it('shares one informer per resource, however it is named', () => {
    assert.equal(factory.forResource('pods'), factory.forResource('Pod'));
    assert.notEqual(factory.forResource('pods'), factory.forResource('nodes'));
  });

  it('indexes objects by namespace, node and owner uid, and keeps the indexes current', async () => {
    const pods = factory.forResource<Pod>('pods');
    factory.start();
    await store.create('/registry/core/pods/a/p1', pod('p1', 'a', 'pi1', 'rs-1'));
    await store.create('/registry/core/pods/b/p2', pod('p2', 'b', 'pi1'));
    await until(() => pods.list().length === 2, { timeoutMs: 1000 });
    const names = (items: Pod[]): string[] => items.map((p) => p.metadata.name ?? '').sort();
    assert.deepEqual(names(pods.byIndex(BY_NODE, 'pi1')), ['p1', 'p2']);
    assert.deepEqual(names(pods.byIndex(BY_NAMESPACE, 'a')), ['p1']);
    assert.deepEqual(names(pods.byIndex(BY_OWNER_UID, 'rs-1')), ['p1']);
    const moved = await store.get<Pod>('/registry/core/pods/a/p1');
    await store.update('/registry/core/pods/a/p1', { ...moved!, spec: { ...moved!.spec, nodeName: 'pi2' } }, Number(moved!.metadata.resourceVersion));
    await store.delete('/registry/core/pods/b/p2');
    await until(() => pods.list().length === 1, { timeoutMs: 1000 });
    assert.deepEqual(names(pods.byIndex(BY_NODE, 'pi1')), []);
    assert.deepEqual(names(pods.byIndex(BY_NODE, 'pi2')), ['p1']);
  });

  it('starts an informer asked for after start()', async () => {
    factory.start();
    const late = factory.forResource<Pod>('pods');
    await late.whenSynced(AbortSignal.timeout(1000));
    assert.equal(late.hasSynced(), true);
  });
});
