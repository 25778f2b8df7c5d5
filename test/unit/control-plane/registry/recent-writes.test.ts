import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta';
import type { Pod } from '../../../../api/core-v1';
import type { CachedObjects } from '../../../../control-plane/registry/cached-objects';
import { RecentWrites } from '../../../../control-plane/registry/recent-writes';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';

function at(name: string, resourceVersion: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion, labels } };
}

describe('RecentWrites', () => {
  it('gives its own copy while the cache has none, or an older one', () => {
    const recent = new RecentWrites();
    recent.wrote('k', at('a', '7'));
    assert.equal(recent.newest('k', undefined)?.metadata.resourceVersion, '7');
    assert.equal(recent.newest('k', at('a', '5'))?.metadata.resourceVersion, '7');
  });

  it('gives the cache its turn, and forgets its copy, once the cache has that version or a newer one', () => {
    const recent = new RecentWrites();
    recent.wrote('k', at('a', '7'));
    const cached = at('a', '7', { from: 'cache' });
    assert.equal(recent.newest('k', cached), cached);
    assert.equal(recent.size, 0);
    assert.equal(recent.newest('k', undefined), undefined);
  });

  it('forgets a removed object', () => {
    const recent = new RecentWrites();
    recent.wrote('k', at('a', '7'));
    recent.removed('k');
    assert.equal(recent.newest('k', undefined), undefined);
  });

  it('keeps a private copy: changing the written object afterwards changes nothing kept', () => {
    const recent = new RecentWrites();
    const written = at('a', '7', { app: 'web' });
    recent.wrote('k', written);
    (written.metadata.labels as Record<string, string>).app = 'changed';
    assert.equal(recent.newest('k', undefined)?.metadata.labels?.app, 'web');
  });

  it('keeps at most its bound, dropping the oldest write first', () => {
    const recent = new RecentWrites(2);
    recent.wrote('a', at('a', '1'));
    recent.wrote('b', at('b', '2'));
    recent.wrote('a', at('a', '3')); // a is now the newest
    recent.wrote('c', at('c', '4'));
    assert.equal(recent.size, 2);
    assert.equal(recent.newest('b', undefined), undefined);
    assert.equal(recent.newest('a', undefined)?.metadata.resourceVersion, '3');
  });
});

/** A memory store that counts the etcd reads (gets) and failed compare-and-swaps of writes. */
class CountingStore extends MemoryStore {
  gets = 0;
  misses = 0;
  override async get<T extends KubeObject>(key: string): Promise<T | undefined> {
    this.gets++;
    return super.get<T>(key);
  }
  override async update<T extends KubeObject>(key: string, object: T, expectedRevision: number) {
    const result = await super.update<T>(key, object, expectedRevision);
    if (!result.ok) this.misses++;
    return result;
  }
}

/** Caches that never have anything yet: every write right after another finds them behind. */
const EMPTY_CACHES: CachedObjects = { get: () => undefined, namespace: () => undefined };

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

describe('Registry writes right after its own', () => {
  let store: CountingStore;
  let registry: Registry;
  beforeEach(async () => {
    store = new CountingStore();
    registry = new Registry({ store });
    registry.useCachedObjects(EMPTY_CACHES);
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  it('patches and deletes a pod it just created without reading etcd first', async () => {
    await registry.create('pods', 'default', POD);
    store.gets = 0;
    await registry.patch('pods', 'default', 'web', 'merge-patch', { metadata: { labels: { round: '1' } } });
    const deleted = await registry.delete<Pod>('pods', 'default', 'web');
    assert.equal(deleted.removed, true);
    assert.equal(deleted.object.metadata.labels?.round, '1');
    assert.equal(store.gets, 0);
    assert.equal(store.misses, 0);
  });

  it('loses no change made meanwhile by another writer: the compare-and-swap fails and the write is computed again', async () => {
    const created = await registry.create<Pod>('pods', 'default', POD);
    await store.update('/registry/core/pods/default/web', { ...created, metadata: { ...created.metadata, labels: { other: 'kept' } } }, Number(created.metadata.resourceVersion));
    const patched = await registry.patch<Pod>('pods', 'default', 'web', 'merge-patch', { metadata: { labels: { round: '1' } } });
    assert.deepEqual(patched.object.metadata.labels, { other: 'kept', round: '1' });
    assert.equal(store.misses, 1);
  });

  it('finds a deleted and re-created pod anew, not as it was before', async () => {
    await registry.create('pods', 'default', POD);
    await registry.delete('pods', 'default', 'web');
    await registry.create('pods', 'default', { ...POD, metadata: { ...POD.metadata, labels: { generation: 'second' } } });
    store.gets = 0;
    const patched = await registry.patch<Pod>('pods', 'default', 'web', 'merge-patch', { metadata: { annotations: { a: 'b' } } });
    assert.deepEqual(patched.object.metadata.labels, { generation: 'second' });
    assert.equal(store.misses, 0);
  });
});
