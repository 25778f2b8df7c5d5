/**
 * What every Store promises, as one suite run against each implementation: the in-memory
 * store in the unit tier, EtcdStore on a real etcd in the integration tier. A behaviour the
 * code above the Store relies on belongs here, so the two cannot drift apart.
 */
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { Store, StoreEvent } from '../../control-plane/store/store';
import { until } from '../../scripts/cluster/wait-until';

export interface StoreUnderTest {
  store: Store;
  /** A key prefix no other test uses, without a trailing slash: `/t-1/registry`. */
  prefix: string;
  /** Compacts history at `revision` (etcd's compaction). */
  compact(revision: number): Promise<void>;
}

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

function aConfigMap(name: string, data: Record<string, string> = {}): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

function rev(object: KubeObject): number {
  return Number(object.metadata.resourceVersion);
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<ApiError> {
  const err = await promise.then(() => assert.fail(`expected ${code}`), (e: unknown) => e);
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.code, code, err.message);
  return err;
}

export function describeStoreContract(name: string, setup: () => Promise<StoreUnderTest> | StoreUnderTest): void {
  describe(`${name}: the Store contract`, () => {
    let t: StoreUnderTest;
    const key = (n: string, ns = 'default'): string => `${t.prefix}/core/configmaps/${ns}/${n}`;
    const prefix = (): string => `${t.prefix}/core/configmaps/`;

    beforeEach(async () => {
      t = await setup();
    });

    it('create stamps the write revision; a second create of the key is AlreadyExists naming the resource', async () => {
      const created = await t.store.create(key('a'), aConfigMap('a', { x: '1' }));
      assert.equal(rev(created), await t.store.currentRevision());
      const err = await rejectsWith(t.store.create(key('a'), aConfigMap('a')), 'AlreadyExists');
      assert.match(err.message, /^configmaps "a" already exists$/);
      assert.deepEqual((await t.store.get<ConfigMap>(key('a')))?.data, { x: '1' });
    });

    it('get of a missing key is undefined, and a read object is the caller\'s own copy', async () => {
      assert.equal(await t.store.get(key('none')), undefined);
      await t.store.create(key('a'), aConfigMap('a', { x: '1' }));
      const read = await t.store.get<ConfigMap>(key('a'));
      read!.data!.x = 'changed';
      assert.deepEqual((await t.store.get<ConfigMap>(key('a')))?.data, { x: '1' });
    });

    it('update is a compare-and-swap: a stale revision returns {ok: false, current} and writes nothing', async () => {
      const created = await t.store.create(key('a'), aConfigMap('a', { v: '1' }));
      const winner = await t.store.update(key('a'), { ...created, data: { v: 'winner' } }, rev(created));
      assert.ok(winner.ok && rev(winner.object) > rev(created));
      const loser = await t.store.update(key('a'), { ...created, data: { v: 'loser' } }, rev(created));
      assert.deepEqual(loser, { ok: false, current: winner.object });
      assert.deepEqual(await t.store.update(key('ghost'), aConfigMap('ghost'), 5), { ok: false, current: undefined });
      await rejectsWith(t.store.update(key('a'), aConfigMap('a'), 0), 'InternalError');
    });

    it('delete returns the last state at the deletion revision; a stale or missing one is {ok: false}', async () => {
      const created = await t.store.create(key('a'), aConfigMap('a', { last: 'state' }));
      const updated = await t.store.update(key('a'), { ...created, data: { last: 'state' } }, rev(created));
      assert.ok(updated.ok);
      assert.deepEqual(await t.store.delete(key('a'), rev(created)), { ok: false, current: updated.object });
      const deleted = await t.store.delete<ConfigMap>(key('a'), rev(updated.object));
      assert.ok(deleted.ok);
      assert.deepEqual(deleted.object.data, { last: 'state' });
      assert.equal(rev(deleted.object), await t.store.currentRevision());
      assert.deepEqual(await t.store.delete(key('a')), { ok: false, current: undefined });
    });

    it('lists a prefix at one revision, each item with its own mod revision, nothing from a sibling prefix', async () => {
      const a = await t.store.create(key('a', 'ns1'), aConfigMap('a'));
      await t.store.create(key('b', 'ns1'), aConfigMap('b'));
      await t.store.create(key('c', 'ns10'), aConfigMap('c'));
      const ns1 = await t.store.list(`${prefix()}ns1/`);
      assert.deepEqual(ns1.items.map((o) => o.metadata.name), ['a', 'b']);
      assert.equal(ns1.revision, await t.store.currentRevision());
      assert.equal(ns1.items[0]?.metadata.resourceVersion, a.metadata.resourceVersion);
      assert.equal((await t.store.list(prefix())).items.length, 3);
    });

    it('commit applies every write at one revision, or none, naming the keys whose condition failed', async () => {
      const a = await t.store.create(key('a'), aConfigMap('a'));
      await t.store.create(key('gone'), aConfigMap('gone'));
      const failed = await t.store.commit([{ op: 'create', key: key('fresh'), object: aConfigMap('fresh') }, { op: 'create', key: key('a'), object: aConfigMap('a') }]);
      assert.deepEqual(failed, { ok: false, failed: [key('a')] });
      assert.equal(await t.store.get(key('fresh')), undefined);
      const result = await t.store.commit([
        { op: 'create', key: key('b'), object: aConfigMap('b') },
        { op: 'update', key: key('a'), object: aConfigMap('a', { x: '1' }), expectedRevision: rev(a) },
        { op: 'delete', key: key('gone') },
      ]);
      assert.ok(result.ok);
      assert.equal((await t.store.get(key('b')))?.metadata.resourceVersion, String(result.revision));
      assert.equal(await t.store.get(key('gone')), undefined);
    });

    it('a watch from a list revision sees later writes in order, a DELETED event carrying the last state', async () => {
      const a = await t.store.create(key('a'), aConfigMap('a', { v: '1' }));
      await t.store.create(key('b'), aConfigMap('b', { v: 'last' }));
      const list = await t.store.list(prefix());
      const events: StoreEvent<ConfigMap>[] = [];
      const watch = t.store.watch<ConfigMap>(prefix(), { afterRevision: list.revision, onEvent: (e) => void events.push(e), onError: (e) => assert.fail(e.message) });
      try {
        await t.store.update(key('a'), { ...a, data: { v: '2' } }, rev(a));
        await t.store.create(key('c'), aConfigMap('c'));
        const deleted = await t.store.delete(key('b'));
        await until(() => events.length >= 3, { timeoutMs: 5_000, describe: () => JSON.stringify(events) });
        assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [['MODIFIED', 'a'], ['ADDED', 'c'], ['DELETED', 'b']]);
        assert.deepEqual(events[2]?.object.data, { v: 'last' });
        assert.equal(events[2]?.revision, deleted.ok ? rev(deleted.object) : -1);
        assert.deepEqual(events.map((e) => rev(e.object)), events.map((e) => e.revision));
      } finally {
        watch.dispose();
      }
    });

    it('a watch from a compacted revision ends with Gone', async () => {
      const first = await t.store.create(key('a'), aConfigMap('a'));
      await t.store.update(key('a'), { ...first, data: { v: '2' } }, rev(first));
      await t.compact(await t.store.currentRevision());
      const errors: ApiError[] = [];
      t.store.watch(prefix(), { afterRevision: rev(first) - 1, onEvent: () => assert.fail('no event'), onError: (e) => void errors.push(e) });
      await until(() => errors.length > 0, { timeoutMs: 5_000 });
      assert.equal(errors[0]?.code, 'Gone');
      assert.match(errors[0]?.message ?? '', /^too old resource version/);
    });

    it('a disposed or aborted watch hears nothing more', async () => {
      const seen: string[] = [];
      const aborted = new AbortController();
      const from = await t.store.currentRevision();
      const disposed = t.store.watch(prefix(), { afterRevision: from, onEvent: (e) => void seen.push(`d:${e.object.metadata.name}`), onError: () => undefined });
      t.store.watch(prefix(), { afterRevision: from, onEvent: (e) => void seen.push(`a:${e.object.metadata.name}`), onError: () => undefined, signal: aborted.signal });
      disposed.dispose();
      aborted.abort();
      const probe: string[] = [];
      const live = t.store.watch(prefix(), { afterRevision: from, onEvent: (e) => void probe.push(e.object.metadata.name ?? ''), onError: () => undefined });
      await t.store.create(key('one'), aConfigMap('one'));
      await until(() => probe.length === 1, { timeoutMs: 5_000 });
      live.dispose();
      assert.deepEqual(seen, []);
    });
  });
}
