import assert from 'node:assert/strict';
import { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { EtcdStore } from '../../../../control-plane/store/etcd-store';
import { objectKey, resourcePrefix, type KeySpace, type ResourceRef } from '../../../../control-plane/store/keys';
import type { Store, StoreEvent, StoreWatch } from '../../../../control-plane/store/store';
import { stopEtcd } from '../../../../scripts/cluster/etcd-server';
import { until } from '../../../../scripts/cluster/wait-until';
import { freePort, startEtcdFixture, withEtcd } from '../../../support/etcd-fixture';

const CONFIG_MAPS: ResourceRef = { group: '', resource: 'configmaps', namespaced: true };
const DEPLOYMENTS: ResourceRef = { group: 'apps', resource: 'deployments', namespaced: true };

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

function aConfigMap(name: string, data: Record<string, string> = {}, namespace = 'default'): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

function keyOf(space: KeySpace, name: string, namespace = 'default'): string {
  return objectKey(space, CONFIG_MAPS, namespace, name);
}

function revisionOf(object: KubeObject): number {
  return Number(object.metadata.resourceVersion);
}

/** Records what a watch delivers, for assertions after `until`. */
function recordWatch(store: Store, prefix: string, afterRevision: number, signal?: AbortSignal) {
  const events: StoreEvent<ConfigMap>[] = [];
  const errors: ApiError[] = [];
  const watch: StoreWatch = store.watch<ConfigMap>(prefix, {
    afterRevision,
    onEvent: (e) => void events.push(e),
    onError: (e) => void errors.push(e),
    signal,
  });
  const summary = () => JSON.stringify({ events: events.map((e) => [e.type, e.object.metadata.name, e.revision]), errors: errors.map((e) => e.message) });
  return { events, errors, watch, summary };
}

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<ApiError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}, but it succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (message) assert.match(err.message, message);
  return err;
}

describe('EtcdStore on a real etcd', () => {
  const etcd = withEtcd();
  let store: EtcdStore;
  let space: KeySpace;

  beforeEach(() => {
    store = etcd.get().store();
    space = etcd.get().keySpace();
  });

  describe('create and get', () => {
    it('create sets resourceVersion to the revision of the write', async () => {
      const created = await store.create(keyOf(space, 'a'), aConfigMap('a', { x: '1' }));
      assert.equal(revisionOf(created), await store.currentRevision());
      assert.deepEqual(created.data, { x: '1' });
    });

    it('never stores resourceVersion in the value, and get stamps the mod revision', async () => {
      const withStaleVersion = aConfigMap('a');
      withStaleVersion.metadata.resourceVersion = '999999';
      const created = await store.create(keyOf(space, 'a'), withStaleVersion);
      const raw = await etcd.get().client().get(keyOf(space, 'a')).string();
      assert.ok(raw && !raw.includes('resourceVersion'), `stored: ${raw}`);
      const read = await store.get<ConfigMap>(keyOf(space, 'a'));
      assert.equal(read?.metadata.resourceVersion, created.metadata.resourceVersion);
    });

    it('does not change the object it was given', async () => {
      const input = aConfigMap('a');
      await store.create(keyOf(space, 'a'), input);
      assert.equal(input.metadata.resourceVersion, undefined);
    });

    it('create of an existing key fails with AlreadyExists naming the resource', async () => {
      await store.create(keyOf(space, 'a'), aConfigMap('a', { v: 'first' }));
      await rejectsWith(store.create(keyOf(space, 'a'), aConfigMap('a', { v: 'second' })), 'AlreadyExists', /^configmaps "a" already exists$/);
      assert.deepEqual((await store.get<ConfigMap>(keyOf(space, 'a')))?.data, { v: 'first' });
    });

    it('names the group of a non-core resource in AlreadyExists', async () => {
      const key = objectKey(space, DEPLOYMENTS, 'default', 'web');
      const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } };
      await store.create(key, deployment);
      await rejectsWith(store.create(key, deployment), 'AlreadyExists', /^deployments\.apps "web" already exists$/);
    });

    it('get of a missing key is undefined', async () => {
      assert.equal(await store.get(keyOf(space, 'nothing')), undefined);
    });
  });

  describe('compare-and-swap update', () => {
    it('writes when the expected revision is current and returns the new resourceVersion', async () => {
      const created = await store.create(keyOf(space, 'a'), aConfigMap('a', { v: '1' }));
      const result = await store.update(keyOf(space, 'a'), { ...created, data: { v: '2' } }, revisionOf(created));
      assert.ok(result.ok);
      assert.ok(revisionOf(result.object) > revisionOf(created));
      assert.deepEqual(await store.get(keyOf(space, 'a')), result.object);
    });

    it('returns {ok: false, current} for a stale revision and writes nothing', async () => {
      const created = await store.create(keyOf(space, 'a'), aConfigMap('a', { v: '1' }));
      const winner = await store.update(keyOf(space, 'a'), { ...created, data: { v: 'winner' } }, revisionOf(created));
      assert.ok(winner.ok);
      const loser = await store.update(keyOf(space, 'a'), { ...created, data: { v: 'loser' } }, revisionOf(created));
      assert.equal(loser.ok, false);
      assert.deepEqual(!loser.ok && loser.current, winner.object);
      assert.deepEqual((await store.get<ConfigMap>(keyOf(space, 'a')))?.data, { v: 'winner' });
    });

    it('does not create a missing key: the miss reports no current object', async () => {
      const result = await store.update(keyOf(space, 'ghost'), aConfigMap('ghost'), 5);
      assert.deepEqual(result, { ok: false, current: undefined });
      assert.equal(await store.get(keyOf(space, 'ghost')), undefined);
    });

    it('rejects a revision that is not a positive integer instead of writing unconditionally', async () => {
      await rejectsWith(store.update(keyOf(space, 'a'), aConfigMap('a'), 0), 'InternalError');
      assert.equal(await store.get(keyOf(space, 'a')), undefined);
    });
  });

  describe('delete', () => {
    it('with a stale revision returns {ok: false, current} and keeps the object', async () => {
      const created = await store.create(keyOf(space, 'a'), aConfigMap('a'));
      const updated = await store.update(keyOf(space, 'a'), { ...created, data: { v: '2' } }, revisionOf(created));
      assert.ok(updated.ok);
      const result = await store.delete(keyOf(space, 'a'), revisionOf(created));
      assert.deepEqual(result, { ok: false, current: updated.object });
      assert.ok(await store.get(keyOf(space, 'a')));
    });

    it('with the current revision removes it and returns the last state at the deletion revision', async () => {
      const created = await store.create(keyOf(space, 'a'), aConfigMap('a', { last: 'state' }));
      const result = await store.delete<ConfigMap>(keyOf(space, 'a'), revisionOf(created));
      assert.ok(result.ok);
      assert.deepEqual(result.object.data, { last: 'state' });
      assert.equal(revisionOf(result.object), await store.currentRevision());
      assert.equal(await store.get(keyOf(space, 'a')), undefined);
    });

    it('without a revision deletes unconditionally; a missing key is {ok: false}', async () => {
      await store.create(keyOf(space, 'a'), aConfigMap('a'));
      assert.equal((await store.delete(keyOf(space, 'a'))).ok, true);
      assert.deepEqual(await store.delete(keyOf(space, 'a')), { ok: false, current: undefined });
    });
  });

  describe('list', () => {
    it('returns every object under the prefix, and nothing from a sibling prefix', async () => {
      await store.create(keyOf(space, 'a', 'ns1'), aConfigMap('a', {}, 'ns1'));
      await store.create(keyOf(space, 'b', 'ns1'), aConfigMap('b', {}, 'ns1'));
      await store.create(keyOf(space, 'c', 'ns10'), aConfigMap('c', {}, 'ns10'));
      const ns1 = await store.list<ConfigMap>(resourcePrefix(space, CONFIG_MAPS, 'ns1'));
      assert.deepEqual(ns1.items.map((o) => o.metadata.name), ['a', 'b']);
      const all = await store.list<ConfigMap>(resourcePrefix(space, CONFIG_MAPS));
      assert.equal(all.items.length, 3);
    });

    it('reports the revision it read at, and each item its own mod revision', async () => {
      const a = await store.create(keyOf(space, 'a'), aConfigMap('a'));
      await store.create(keyOf(space, 'b'), aConfigMap('b'));
      const list = await store.list<ConfigMap>(resourcePrefix(space, CONFIG_MAPS));
      assert.equal(list.revision, await store.currentRevision());
      assert.equal(list.items[0]?.metadata.resourceVersion, a.metadata.resourceVersion);
    });

    it('skips a value that is not an object, with a warning, and a get of it fails', async () => {
      const warnings: string[] = [];
      const logged = etcd.get().store({ log: (m) => void warnings.push(m) });
      await logged.create(keyOf(space, 'good'), aConfigMap('good'));
      await etcd.get().client().put(keyOf(space, 'junk')).value('{not json');
      const list = await logged.list<ConfigMap>(resourcePrefix(space, CONFIG_MAPS));
      assert.deepEqual(list.items.map((o) => o.metadata.name), ['good']);
      assert.match(warnings.join('\n'), /junk/);
      await rejectsWith(logged.get(keyOf(space, 'junk')), 'InternalError', /cannot be decoded/);
    });
  });

  describe('watch', () => {
    it('from a list revision sees the later writes, in order, and nothing before', async () => {
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const a = await store.create(keyOf(space, 'a'), aConfigMap('a', { v: '1' }));
      await store.create(keyOf(space, 'b'), aConfigMap('b'));
      const list = await store.list(prefix);
      const rec = recordWatch(store, prefix, list.revision);
      await store.update(keyOf(space, 'a'), { ...a, data: { v: '2' } }, revisionOf(a));
      await store.create(keyOf(space, 'c'), aConfigMap('c'));
      await store.delete(keyOf(space, 'b'));
      await until(() => rec.events.length >= 3, { timeoutMs: 5_000, describe: rec.summary });
      assert.deepEqual(rec.events.map((e) => [e.type, e.object.metadata.name]), [['MODIFIED', 'a'], ['ADDED', 'c'], ['DELETED', 'b']]);
      const revisions = rec.events.map((e) => e.revision);
      assert.ok(revisions[0]! > list.revision && revisions[0]! < revisions[1]! && revisions[1]! < revisions[2]!, rec.summary());
      assert.deepEqual(rec.events[0]?.object.data, { v: '2' });
      assert.deepEqual(rec.events.map((e) => revisionOf(e.object)), revisions);
      rec.watch.dispose();
    });

    it('a DELETED event carries the last stored object with the deletion revision', async () => {
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const created = await store.create(keyOf(space, 'a'), aConfigMap('a', { v: '1' }));
      const updated = await store.update(keyOf(space, 'a'), { ...created, data: { v: 'final' } }, revisionOf(created));
      assert.ok(updated.ok);
      const rec = recordWatch(store, prefix, revisionOf(updated.object));
      const deleted = await store.delete(keyOf(space, 'a'));
      await until(() => rec.events.length >= 1, { timeoutMs: 5_000, describe: rec.summary });
      const event = rec.events[0]!;
      assert.equal(event.type, 'DELETED');
      assert.equal(event.key, keyOf(space, 'a'));
      assert.deepEqual(event.object.data, { v: 'final' });
      assert.equal(event.revision, revisionOf(deleted.ok ? deleted.object : created));
      assert.equal(revisionOf(event.object), event.revision);
      rec.watch.dispose();
    });

    it('from a compacted revision ends with Gone and Kubernetes\' message', async () => {
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const first = await store.create(keyOf(space, 'a'), aConfigMap('a'));
      await store.update(keyOf(space, 'a'), { ...first, data: { v: '2' } }, revisionOf(first));
      const compactAt = await store.currentRevision();
      await etcd.get().client().kv.compact({ revision: compactAt, physical: true });
      const requested = revisionOf(first) - 1;
      const rec = recordWatch(store, prefix, requested);
      await until(() => rec.errors.length > 0, { timeoutMs: 5_000, describe: rec.summary });
      assert.equal(rec.errors[0]?.code, 'Gone');
      assert.equal(rec.errors[0]?.message, `too old resource version: ${requested} (${compactAt - 1})`);
      assert.equal(rec.events.length, 0);
    });

    it('skips an undecodable value and goes on with the next event', async () => {
      const warnings: string[] = [];
      const logged = etcd.get().store({ log: (m) => void warnings.push(m) });
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const rec = recordWatch(logged, prefix, await logged.currentRevision());
      await etcd.get().client().put(keyOf(space, 'junk')).value('[1,2]');
      await logged.create(keyOf(space, 'good'), aConfigMap('good'));
      await until(() => rec.events.length >= 1, { timeoutMs: 5_000, describe: rec.summary });
      assert.deepEqual(rec.events.map((e) => e.object.metadata.name), ['good']);
      assert.match(warnings.join('\n'), /junk/);
      rec.watch.dispose();
    });

    it('drops a subscriber that cannot keep up instead of buffering without bound', async () => {
      const small = etcd.get().store({ watchBufferSize: 5 });
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      let release!: () => void;
      const blocked = new Promise<void>((resolve) => (release = resolve));
      const seen: string[] = [];
      const errors: ApiError[] = [];
      small.watch<ConfigMap>(prefix, {
        afterRevision: await small.currentRevision(),
        onEvent: (e) => (seen.push(e.object.metadata.name ?? ''), blocked),
        onError: (e) => void errors.push(e),
      });
      for (let i = 0; i < 10; i++) await small.create(keyOf(space, `n${i}`), aConfigMap(`n${i}`));
      await until(() => errors.length > 0, { timeoutMs: 5_000, describe: () => JSON.stringify({ seen, errors }) });
      assert.equal(errors[0]?.code, 'Gone');
      assert.match(errors[0]!.message, /fell more than 5 events behind/);
      release();
      await small.create(keyOf(space, 'after'), aConfigMap('after'));
      await store.get(keyOf(space, 'after')); // a round trip for any stray delivery to show up
      assert.deepEqual(seen, ['n0'], 'the backlog was dropped, not delivered');
      assert.equal(errors.length, 1);
    });

    it('serves a subscriber that returns promises in order once each settles', async () => {
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const seen: string[] = [];
      const watch = store.watch<ConfigMap>(prefix, {
        afterRevision: await store.currentRevision(),
        onEvent: async (e) => {
          await new Promise((r) => setImmediate(r));
          seen.push(e.object.metadata.name ?? '');
        },
        onError: (e) => assert.fail(e.message),
      });
      for (const name of ['x', 'y', 'z']) await store.create(keyOf(space, name), aConfigMap(name));
      await until(() => seen.length === 3, { timeoutMs: 5_000, describe: () => seen.join(',') });
      assert.deepEqual(seen, ['x', 'y', 'z']);
      watch.dispose();
    });

    it('disposing watches leaves the store and its other watches working', async () => {
      // etcd3 counts a cancelled stream as a host failure unless it was half-closed first;
      // three of those would open its circuit breaker and fail every call for seconds.
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const from = await store.currentRevision();
      const keep = recordWatch(store, prefix, from);
      const disposed = [1, 2, 3, 4].map(() => recordWatch(store, prefix, from));
      await store.create(keyOf(space, 'one'), aConfigMap('one'));
      const allSawOne = () => [keep, ...disposed].every((r) => r.events.length === 1);
      await until(allSawOne, { timeoutMs: 5_000, describe: keep.summary });
      for (const rec of disposed) rec.watch.dispose();
      await store.create(keyOf(space, 'two'), aConfigMap('two'));
      await until(() => keep.events.length === 2, { timeoutMs: 5_000, describe: keep.summary });
      assert.ok(await store.get(keyOf(space, 'two')));
      assert.deepEqual(disposed.map((r) => r.events.length), [1, 1, 1, 1]);
      assert.deepEqual([keep, ...disposed].flatMap((r) => r.errors), []);
      keep.watch.dispose();
    });

    it('an aborted signal ends the watch without an error', async () => {
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const controller = new AbortController();
      const rec = recordWatch(store, prefix, await store.currentRevision(), controller.signal);
      await store.create(keyOf(space, 'one'), aConfigMap('one'));
      await until(() => rec.events.length === 1, { timeoutMs: 5_000, describe: rec.summary });
      controller.abort();
      await store.create(keyOf(space, 'two'), aConfigMap('two'));
      const probe = recordWatch(store, prefix, revisionOf((await store.get(keyOf(space, 'one')))!));
      await until(() => probe.events.length === 1, { timeoutMs: 5_000, describe: probe.summary });
      assert.equal(rec.events.length, 1);
      assert.deepEqual(rec.errors, []);
      probe.watch.dispose();
    });
    it('a subscriber may dispose its watch from its handler, even mid-batch, and hears nothing more', async () => {
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const seen: string[] = [];
      const errors: ApiError[] = [];
      const watch: StoreWatch = store.watch<ConfigMap>(prefix, {
        afterRevision: await store.currentRevision(),
        onEvent: (e) => (seen.push(e.object.metadata.name ?? ''), watch.dispose()),
        onError: (e) => void errors.push(e),
      });
      const put = (name: string) => ({ request_put: { key: Buffer.from(keyOf(space, name)), value: Buffer.from(JSON.stringify(aConfigMap(name))) } });
      await etcd.get().client().kv.txn({ success: [put('one'), put('two')] }); // two events, one revision
      await store.create(keyOf(space, 'three'), aConfigMap('three'));
      const probe = recordWatch(store, prefix, revisionOf((await store.get(keyOf(space, 'three')))!) - 1);
      await until(() => probe.events.length === 1, { timeoutMs: 5_000, describe: probe.summary });
      assert.deepEqual([seen, errors], [['one'], []]);
      probe.watch.dispose();
    });

    it('given an already aborted signal, delivers nothing and reports nothing', async () => {
      const prefix = resourcePrefix(space, CONFIG_MAPS);
      const rec = recordWatch(store, prefix, await store.currentRevision(), AbortSignal.abort());
      await store.create(keyOf(space, 'one'), aConfigMap('one'));
      const probe = recordWatch(store, prefix, revisionOf((await store.get(keyOf(space, 'one')))!) - 1);
      await until(() => probe.events.length === 1, { timeoutMs: 5_000, describe: probe.summary });
      assert.deepEqual([rec.events, rec.errors], [[], []]);
      probe.watch.dispose();
    });
  });

  describe('request size', () => {
    const padded = (name: string, bytes: number): ConfigMap => aConfigMap(name, { blob: 'x'.repeat(bytes) });

    it('refuses an object above etcd\'s 1.5 MiB request limit with TooLarge and writes nothing', async () => {
      await rejectsWith(store.create(keyOf(space, 'big'), padded('big', 1_600_000)), 'TooLarge', /^Request entity too large/);
      assert.equal(await store.get(keyOf(space, 'big')), undefined);
    });

    it('stores an object just below the limit', async () => {
      const created = await store.create(keyOf(space, 'large'), padded('large', 1_400_000));
      assert.equal((await store.get<ConfigMap>(keyOf(space, 'large')))?.data?.blob?.length, 1_400_000);
      assert.ok(created);
    });

    it('maps etcd\'s own refusal to TooLarge when the configured limit is above the server\'s', async () => {
      const trusting = etcd.get().store({ maxRequestBytes: 8 * 1024 * 1024 });
      await rejectsWith(trusting.create(keyOf(space, 'big'), padded('big', 1_800_000)), 'TooLarge');
      await rejectsWith(trusting.create(keyOf(space, 'huge'), padded('huge', 3_000_000)), 'TooLarge');
    });
  });
});

describe('EtcdStore when etcd is away', () => {
  it('connect fails with ServiceUnavailable within the dial timeout', async () => {
    const port = await freePort();
    const started = Date.now();
    await rejectsWith(EtcdStore.connect({ endpoints: [`http://127.0.0.1:${port}`], dialTimeoutMs: 1_000 }), 'ServiceUnavailable');
    assert.ok(Date.now() - started < 10_000);
  });

  it('a watch ends with ServiceUnavailable when etcd is lost, and calls fail the same way', async function () {
    this.timeout(60_000);
    const fixture = await startEtcdFixture();
    try {
      const store = fixture.store({ requestTimeoutMs: 2_000 });
      const space = fixture.keySpace();
      const rec = recordWatch(store, resourcePrefix(space, CONFIG_MAPS), await store.currentRevision());
      await store.create(keyOf(space, 'a'), aConfigMap('a'));
      await until(() => rec.events.length === 1, { timeoutMs: 5_000, describe: rec.summary });
      await stopEtcd(fixture.server);
      await until(() => rec.errors.length > 0, { timeoutMs: 15_000, describe: rec.summary });
      assert.equal(rec.errors[0]?.code, 'ServiceUnavailable');
      await rejectsWith(store.get(keyOf(space, 'a')), 'ServiceUnavailable');
    } finally {
      await fixture.stop();
    }
  });
});
