import assert from 'node:assert/strict';
import { isApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';

/** A memory store that counts reads of single keys. */
class CountingStore extends MemoryStore {
  readonly gets: string[] = [];
  override async get<T extends KubeObject>(key: string): Promise<T | undefined> {
    this.gets.push(key);
    return super.get<T>(key);
  }
}

const POD = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'c', image: 'busybox' }] } };

describe('Registry with cached objects (the API server\'s watch caches)', () => {
  let store: CountingStore;
  let registry: Registry;
  let now: number;
  /** What the "cache" holds: a copy of the store taken by `snapshot()`, as a lagging watch cache would. */
  let cache: Map<string, KubeObject>;
  let cacheRevision: number;
  const started: string[] = [];

  async function snapshot(): Promise<void> {
    const list = await store.list<KubeObject>('/');
    cache = new Map(list.items.map((o) => [keyOf(o), o]));
    cacheRevision = list.revision;
  }
  function keyOf(o: KubeObject): string {
    return o.kind === 'Namespace' ? `/registry/core/namespaces/${o.metadata.name}` : `/registry/core/pods/${o.metadata.namespace}/${o.metadata.name}`;
  }

  beforeEach(async () => {
    store = new CountingStore();
    now = Date.parse('2026-12-07T12:00:00Z');
    registry = new Registry({ store, now: () => new Date(now) });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await snapshot();
    registry.useCachedObjects({
      get: (info, key, start) => {
        if (start) started.push(info.resource);
        return cache.get(key);
      },
      namespace: (_info, namespace) => ({ objects: [...cache.values()].filter((o) => o.metadata.namespace === namespace), revision: cacheRevision }),
    });
    store.gets.length = 0;
  });

  it('admits a create in a namespace the cache holds without reading etcd, asking for the namespaces cache to run', async () => {
    await registry.create('pods', 'team', { ...POD, metadata: { name: 'a' } });
    assert.deepEqual(store.gets, []);
    assert.ok(started.includes('namespaces'));
  });

  it('reads etcd for a namespace the cache does not hold yet', async () => {
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
    await registry.create('pods', 'fresh', { ...POD, metadata: { name: 'a' } });
    assert.deepEqual(store.gets, ['/registry/core/namespaces/fresh']);
    await assert.rejects(registry.create('pods', 'missing', { ...POD, metadata: { name: 'a' } }), (err) => isApiError(err, 'NotFound'));
  });

  it('reads a namespace deleted through it from etcd for 30 s, though the cache still shows it Active', async () => {
    await registry.delete('namespaces', undefined, 'team');
    await assert.rejects(registry.create('pods', 'team', { ...POD, metadata: { name: 'a' } }), (err) => isApiError(err, 'Forbidden'));
    now += 31_000;
    await registry.create('pods', 'team', { ...POD, metadata: { name: 'b' } }); // the stale cache says Active: as Kubernetes, admitted
  });

  it('patches and deletes from the cached object in one round trip, and from etcd\'s when the cache is behind', async () => {
    await registry.create('pods', 'team', { ...POD, metadata: { name: 'a' } });
    await snapshot();
    store.gets.length = 0;
    const patched = await registry.patch('pods', 'team', 'a', 'merge-patch', { metadata: { labels: { round: '1' } } });
    assert.equal(patched.object.metadata.labels?.round, '1');
    assert.deepEqual(store.gets, []);
    // the cache has not seen that patch: the next one starts from a stale copy and still lands on etcd's state
    const again = await registry.patch('pods', 'team', 'a', 'merge-patch', { metadata: { labels: { second: '2' } } });
    assert.deepEqual(again.object.metadata.labels, { round: '1', second: '2' });
    const deleted = await registry.delete('pods', 'team', 'a');
    assert.equal(deleted.removed, true);
    assert.deepEqual(store.gets, []);
  });
});
