import assert from 'node:assert/strict';
import { ApiError, isApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { guaranteedUpdate, REMOVE, type UpdateAttempt } from '../../../../control-plane/registry/guaranteed-update';
import { PODS } from '../../../../control-plane/registry/kinds';
import { MemoryStore } from '../../../../control-plane/store/memory-store';

const KEY = '/registry/core/pods/default/web';

/** A memory store that counts the reads (gets) the update makes. */
class CountingStore extends MemoryStore {
  gets = 0;
  override async get<T extends KubeObject>(key: string): Promise<T | undefined> {
    this.gets++;
    return super.get<T>(key);
  }
}

function pod(labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels } };
}

function attempt(store: CountingStore, more: Partial<UpdateAttempt<KubeObject>>): UpdateAttempt<KubeObject> {
  return { store, key: KEY, info: PODS, name: 'web', compute: (o) => o, ...more };
}

function relabel(value: string): (o: KubeObject) => KubeObject {
  return (o) => ({ ...o, metadata: { ...o.metadata, labels: { app: value } } });
}

describe('guaranteedUpdate from a cached copy', () => {
  let store: CountingStore;
  let stored: KubeObject;
  beforeEach(async () => {
    store = new CountingStore();
    stored = await store.create(KEY, pod({ app: 'a' }));
    store.gets = 0;
  });

  it('writes from a current cached copy without reading etcd', async () => {
    const outcome = await guaranteedUpdate(attempt(store, { cached: () => stored, compute: relabel('b') }));
    assert.equal(outcome.written, true);
    assert.equal(outcome.object.metadata.labels?.app, 'b');
    assert.equal(store.gets, 0);
  });

  it('computes again on the state the failed compare-and-swap met when the cached copy was stale', async () => {
    const stale = stored;
    await store.update(KEY, pod({ app: 'x', other: 'kept' }), Number(stored.metadata.resourceVersion));
    const seen: string[] = [];
    const outcome = await guaranteedUpdate(attempt(store, {
      cached: () => stale,
      compute: (o) => (seen.push(o.metadata.labels?.app ?? ''), { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, app: 'b' } } }),
    }));
    assert.deepEqual(seen, ['a', 'x']);
    assert.deepEqual(outcome.object.metadata.labels, { app: 'b', other: 'kept' });
    assert.equal(store.gets, 0, 'the failed transaction answered with the current object');
  });

  it('answers "unchanged" only after etcd confirms it', async () => {
    const stale = stored;
    await store.update(KEY, pod({ app: 'b' }), Number(stored.metadata.resourceVersion));
    const outcome = await guaranteedUpdate(attempt(store, { cached: () => stale, compute: relabel('a') }));
    assert.equal(outcome.written, true, 'the cached copy already said app=a; etcd did not');
    assert.equal(outcome.object.metadata.labels?.app, 'a');
    const fresh = await store.get<KubeObject>(KEY);
    store.gets = 0;
    const unchanged = await guaranteedUpdate(attempt(store, { cached: () => fresh, compute: relabel('a') }));
    assert.equal(unchanged.written, false);
    assert.equal(store.gets, 1);
  });

  it('never answers an error found on a cached copy before a fresh read confirms it', async () => {
    const stale = stored;
    await store.update(KEY, pod({ app: 'valid' }), Number(stored.metadata.resourceVersion));
    const outcome = await guaranteedUpdate(attempt(store, {
      cached: () => stale,
      compute: (o) => {
        if (o.metadata.labels?.app !== 'valid') throw new ApiError('Invalid', 'not on the stale copy');
        return relabel('done')(o);
      },
    }));
    assert.equal(outcome.object.metadata.labels?.app, 'done');
    await assert.rejects(guaranteedUpdate(attempt(store, { cached: () => stale, compute: () => { throw new ApiError('Invalid', 'always'); } })), (err) => isApiError(err, 'Invalid'));
  });

  it('checks a resourceVersion precondition on etcd\'s state, not on a stale copy', async () => {
    const stale = stored;
    const moved = await store.update(KEY, pod({ app: 'x' }), Number(stored.metadata.resourceVersion));
    assert.ok(moved.ok);
    const expected = moved.object.metadata.resourceVersion;
    const outcome = await guaranteedUpdate(attempt(store, { cached: () => stale, expectedResourceVersion: expected, compute: relabel('b') }));
    assert.equal(outcome.object.metadata.labels?.app, 'b');
    await assert.rejects(guaranteedUpdate(attempt(store, { cached: () => stale, expectedResourceVersion: stale.metadata.resourceVersion, compute: relabel('c') })), (err) => isApiError(err, 'Conflict'));
  });

  it('removes from a cached copy, and from etcd\'s state when the copy was stale', async () => {
    const removed = await guaranteedUpdate(attempt(store, { cached: () => stored, compute: () => REMOVE }));
    assert.equal(removed.removed, true);
    assert.equal(store.gets, 0);
    const again = await store.create(KEY, pod({ app: 'a' }));
    await store.update(KEY, pod({ app: 'b' }), Number(again.metadata.resourceVersion));
    const second = await guaranteedUpdate(attempt(store, { cached: () => again, compute: () => REMOVE }));
    assert.equal(second.object.metadata.labels?.app, 'b');
    assert.equal(await store.get(KEY), undefined);
  });

  it('answers NotFound when the cached object is gone from etcd', async () => {
    const stale = stored;
    await store.delete(KEY);
    await assert.rejects(guaranteedUpdate(attempt(store, { cached: () => stale, compute: relabel('b') })), (err) => isApiError(err, 'NotFound'));
  });

  it('reads etcd for a dry run, whatever the cache holds', async () => {
    const outcome = await guaranteedUpdate(attempt(store, { cached: () => assert.fail('a dry run must not start from the cache'), dryRun: true, compute: relabel('b') }));
    assert.equal(outcome.written, false);
    assert.equal(outcome.object.metadata.labels?.app, 'b');
    assert.equal(store.gets, 1);
  });
});
