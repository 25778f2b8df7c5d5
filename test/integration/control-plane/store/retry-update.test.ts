import assert from 'node:assert/strict';
import { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { objectKey, type KeySpace } from '../../../../control-plane/store/keys';
import { updateWithRetry } from '../../../../control-plane/store/retry-update';
import type { Store } from '../../../../control-plane/store/store';
import { withEtcd } from '../../../support/etcd-fixture';

interface Counter extends KubeObject {
  data: { count: string };
}

const CONFIG_MAPS = { group: '', resource: 'configmaps', namespaced: true };

function aCounter(name: string): Counter {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { count: '0' } };
}

function increment(counter: Counter): Counter {
  counter.data.count = String(Number(counter.data.count) + 1);
  return counter;
}

async function incrementTimes(store: Store, key: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const written = await updateWithRetry<Counter>(store, key, increment, { attempts: 50 });
    assert.ok(written, 'the counter vanished');
  }
}

describe('updateWithRetry on a real etcd', () => {
  const etcd = withEtcd();
  let space: KeySpace;
  let key: string;

  beforeEach(async () => {
    space = etcd.get().keySpace();
    key = objectKey(space, CONFIG_MAPS, 'default', 'counter');
    await etcd.get().store().create(key, aCounter('counter'));
  });

  it('never loses an update when two clients race: N increments each end at 2N', async () => {
    const n = 25;
    const [left, right] = [etcd.get().store(), etcd.get().store()];
    await Promise.all([incrementTimes(left, key, n), incrementTimes(right, key, n)]);
    const final = await left.get<Counter>(key);
    assert.equal(final?.data.count, String(2 * n));
  });

  it('hands mutate a private copy and returns the written object with its new resourceVersion', async () => {
    const store = etcd.get().store();
    const before = await store.get<Counter>(key);
    const seen: Counter[] = [];
    const written = await updateWithRetry<Counter>(store, key, (c) => (seen.push(c), increment(c)));
    assert.equal(written?.data.count, '1');
    assert.ok(Number(written?.metadata.resourceVersion) > Number(before?.metadata.resourceVersion));
    assert.notEqual(seen[0], before);
    assert.equal(before?.data.count, '0');
  });

  it('writes nothing when mutate returns undefined or the same content', async () => {
    const store = etcd.get().store();
    const revision = await store.currentRevision();
    assert.equal(await updateWithRetry<Counter>(store, key, () => undefined), undefined);
    assert.equal(await updateWithRetry<Counter>(store, key, (c) => c), undefined);
    assert.equal(await store.currentRevision(), revision);
  });

  it('returns undefined when the object does not exist', async () => {
    const store = etcd.get().store();
    const missing = objectKey(space, CONFIG_MAPS, 'default', 'missing');
    assert.equal(await updateWithRetry<Counter>(store, missing, increment), undefined);
    assert.equal(await store.get(missing), undefined);
  });

  it('re-reads after a conflict and applies mutate to the fresh object', async () => {
    const store = etcd.get().store();
    let rivalWrites = 1;
    const raced = racedBy(store, async () => {
      if (rivalWrites-- > 0) await bump(etcd.get().store(), key);
    });
    const counts: string[] = [];
    const written = await updateWithRetry<Counter>(raced, key, (c) => (counts.push(c.data.count), increment(c)), { backoffMs: 1 });
    assert.deepEqual(counts, ['0', '1']);
    assert.equal(written?.data.count, '2');
  });

  it('gives up with Conflict when every attempt lost the race', async () => {
    const store = etcd.get().store();
    const raced = racedBy(store, () => bump(etcd.get().store(), key));
    let calls = 0;
    const attempt = updateWithRetry<Counter>(raced, key, (c) => (calls++, increment(c)), { attempts: 3, backoffMs: 1 });
    const err = await attempt.then(() => assert.fail('expected a Conflict'), (e: unknown) => e);
    assert.ok(err instanceof ApiError && err.code === 'Conflict', String(err));
    assert.match(err.message, /^Operation cannot be fulfilled on configmaps "counter": the object has been modified/);
    assert.equal(calls, 3);
    assert.equal((await store.get<Counter>(key))?.data.count, '3', 'only the rival\'s writes landed');
  });
});

/** One increment by another writer. */
async function bump(store: Store, key: string): Promise<void> {
  const current = await store.get<Counter>(key);
  assert.ok(current);
  const result = await store.update(key, increment(structuredClone(current)), Number(current.metadata.resourceVersion));
  assert.ok(result.ok);
}

/** The real store, with `rival` writing just before each of our compare-and-swap writes. */
function racedBy(store: Store, rival: () => Promise<void>): Store {
  return {
    create: (k, o) => store.create(k, o),
    get: (k) => store.get(k),
    list: (p) => store.list(p),
    update: async (k, o, r) => {
      await rival();
      return store.update(k, o, r);
    },
    delete: (k, r) => store.delete(k, r),
    commit: (w) => store.commit(w),
    watch: (p, o) => store.watch(p, o),
    currentRevision: () => store.currentRevision(),
    close: () => store.close(),
  };
}
