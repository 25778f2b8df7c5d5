import assert from 'node:assert/strict';
import { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import type { EtcdStore } from '../../../../control-plane/store/etcd-store';
import { Informer, type ChangeType } from '../../../../control-plane/store/informer';
import { objectKey, resourcePrefix, type KeySpace } from '../../../../control-plane/store/keys';
import type { Store, StoreWatch } from '../../../../control-plane/store/store';
import { until } from '../../../../scripts/cluster/wait-until';
import { startEtcdFixture, withEtcd } from '../../../support/etcd-fixture';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const CONFIG_MAPS = { group: '', resource: 'configmaps', namespaced: true };

function aConfigMap(name: string, data: Record<string, string> = {}): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

type Change = [ChangeType, string, string | undefined];

/** An informer on the configmaps of `space`, recording every change as [type, name, data.v]. */
function recordedInformer(store: Store, space: KeySpace, logs: string[] = []) {
  const informer = new Informer<ConfigMap>(store, resourcePrefix(space, CONFIG_MAPS), { minBackoffMs: 50, maxBackoffMs: 500, log: (m) => void logs.push(m) });
  const changes: Change[] = [];
  informer.onChange((type, object) => void changes.push([type, object.metadata.name ?? '', object.data?.v]));
  const cached = () => informer.list().map((o) => `${o.metadata.name}=${o.data?.v}`).sort();
  const describe = () => JSON.stringify({ changes, cached: cached(), logs });
  return { informer, changes, cached, describe };
}

describe('Informer on a real etcd', () => {
  const etcd = withEtcd();
  let store: EtcdStore;
  let space: KeySpace;
  const informers: Informer<ConfigMap>[] = [];
  const key = (name: string) => objectKey(space, CONFIG_MAPS, 'default', name);

  beforeEach(() => {
    store = etcd.get().store();
    space = etcd.get().keySpace();
  });

  afterEach(() => {
    for (const informer of informers.splice(0)) informer.dispose();
  });

  function started(rec: ReturnType<typeof recordedInformer>) {
    informers.push(rec.informer);
    rec.informer.start();
    return rec;
  }

  it('syncs from a list, then follows the watch: get, list and handlers stay current', async () => {
    const a = await store.create(key('a'), aConfigMap('a', { v: '1' }));
    await store.create(key('b'), aConfigMap('b', { v: '1' }));
    const rec = started(recordedInformer(store, space));
    assert.equal(rec.informer.hasSynced(), false);
    await rec.informer.whenSynced();
    assert.equal(rec.informer.hasSynced(), true);
    assert.equal(rec.informer.get('default/a')?.data?.v, '1');
    await store.update(key('a'), { ...a, data: { v: '2' } }, Number(a.metadata.resourceVersion));
    await store.create(key('c'), aConfigMap('c', { v: '1' }));
    await store.delete(key('b'));
    await until(() => rec.changes.length === 5, { timeoutMs: 5_000, describe: rec.describe });
    assert.deepEqual(rec.changes, [['ADDED', 'a', '1'], ['ADDED', 'b', '1'], ['MODIFIED', 'a', '2'], ['ADDED', 'c', '1'], ['DELETED', 'b', '1']]);
    assert.deepEqual(rec.cached(), ['a=2', 'c=1']);
    assert.equal(rec.informer.get('default/b'), undefined);
  });

  it('passes the previous state to handlers of MODIFIED and DELETED', async () => {
    const a = await store.create(key('a'), aConfigMap('a', { v: 'old' }));
    const rec = started(recordedInformer(store, space));
    await rec.informer.whenSynced();
    const olds: Array<[ChangeType, string | undefined]> = [];
    rec.informer.onChange((type, _object, old) => void olds.push([type, old?.data?.v]));
    const updated = await store.update(key('a'), { ...a, data: { v: 'new' } }, Number(a.metadata.resourceVersion));
    assert.ok(updated.ok);
    await store.delete(key('a'));
    await until(() => olds.length === 2, { timeoutMs: 5_000, describe: () => JSON.stringify(olds) });
    assert.deepEqual(olds, [['MODIFIED', 'old'], ['DELETED', 'new']]);
  });

  it('hands out frozen objects: a consumer that forgets to clone fails instead of corrupting the cache', async () => {
    await store.create(key('a'), aConfigMap('a', { v: '1' }));
    const rec = started(recordedInformer(store, space));
    await rec.informer.whenSynced();
    const cached = rec.informer.get('default/a');
    assert.ok(cached);
    assert.throws(() => {
      (cached.data as Record<string, string>).v = 'changed';
    }, TypeError);
    assert.throws(() => {
      cached.metadata.labels = {};
    }, TypeError);
    const copy = structuredClone(cached);
    copy.metadata.labels = { ok: 'yes' };
    assert.equal(rec.informer.get('default/a')?.metadata.labels, undefined);
  });

  it('re-lists after Gone and emits the differences, converging on the store', async () => {
    const logs: string[] = [];
    const held = holdingWatches(store);
    const a = await store.create(key('a'), aConfigMap('a', { v: '1' }));
    await store.create(key('b'), aConfigMap('b', { v: '1' }));
    const rec = started(recordedInformer(held.store, space, logs));
    await rec.informer.whenSynced();
    // While the informer's first watch is held back: changes, then compaction past them.
    await store.delete(key('b'));
    await store.update(key('a'), { ...a, data: { v: '2' } }, Number(a.metadata.resourceVersion));
    await store.create(key('c'), aConfigMap('c', { v: '1' }));
    await etcd.get().client().kv.compact({ revision: await store.currentRevision(), physical: true });
    held.release();
    await until(() => rec.changes.length === 5, { timeoutMs: 10_000, describe: rec.describe });
    assert.deepEqual(rec.changes.slice(2), [['DELETED', 'b', '1'], ['MODIFIED', 'a', '2'], ['ADDED', 'c', '1']]);
    assert.match(logs.join('\n'), /too old resource version/);
    assert.deepEqual(rec.cached(), ['a=2', 'c=1']);
    // And it watches again after the re-list.
    await store.create(key('d'), aConfigMap('d', { v: '1' }));
    await until(() => rec.informer.get('default/d'), { timeoutMs: 5_000, describe: rec.describe });
  });

  it('keeps other handlers running when one throws', async () => {
    const logs: string[] = [];
    const rec = started(recordedInformer(store, space, logs));
    rec.informer.onChange(() => {
      throw new Error('handler bug');
    });
    const after: string[] = [];
    rec.informer.onChange((_type, object) => void after.push(object.metadata.name ?? ''));
    await rec.informer.whenSynced();
    await store.create(key('a'), aConfigMap('a'));
    await until(() => after.length === 1, { timeoutMs: 5_000, describe: rec.describe });
    assert.match(logs.join('\n'), /handler bug/);
  });

  it('dispose stops the watch and the handlers; whenSynced fails if it never synced', async () => {
    const rec = started(recordedInformer(store, space));
    await rec.informer.whenSynced();
    await store.create(key('a'), aConfigMap('a'));
    await until(() => rec.changes.length === 1, { timeoutMs: 5_000, describe: rec.describe });
    rec.informer.dispose();
    await store.create(key('b'), aConfigMap('b'));
    const probe = started(recordedInformer(store, space));
    await probe.informer.whenSynced();
    assert.equal(probe.informer.list().length, 2);
    assert.equal(rec.changes.length, 1);

    const never = new Informer<ConfigMap>(store, resourcePrefix(space, CONFIG_MAPS));
    const waiting = never.whenSynced();
    never.dispose();
    await assert.rejects(waiting, /disposed before it synced/);
  });

  it('stops when the owner\'s signal aborts', async () => {
    const controller = new AbortController();
    const rec = recordedInformer(store, space);
    rec.informer.start(controller.signal);
    await rec.informer.whenSynced();
    controller.abort();
    await store.create(key('a'), aConfigMap('a'));
    const probe = started(recordedInformer(store, space));
    await until(() => probe.changes.length === 1, { timeoutMs: 5_000, describe: probe.describe });
    assert.deepEqual(rec.changes, []);
  });
});

describe('Informer across an etcd restart', () => {
  it('lists again once etcd is back and catches up with what changed', async function () {
    this.timeout(60_000);
    const fixture = await startEtcdFixture();
    const space = fixture.keySpace();
    const store = fixture.store({ requestTimeoutMs: 2_000 });
    const key = (name: string) => objectKey(space, CONFIG_MAPS, 'default', name);
    const rec = recordedInformer(store, space);
    try {
      await store.create(key('before'), aConfigMap('before', { v: '1' }));
      rec.informer.start();
      await rec.informer.whenSynced();
      await fixture.restart();
      const writer = fixture.store();
      // Retried until etcd answers; a retry after an unacknowledged success finds it there.
      const createOnce = () => writer.create(key('after'), aConfigMap('after', { v: '1' })).catch(unlessAlreadyExists);
      await until(async () => (await createOnce(), true), { timeoutMs: 20_000 });
      await until(() => rec.informer.get('default/after'), { timeoutMs: 30_000, describe: rec.describe });
      assert.deepEqual(rec.cached(), ['after=1', 'before=1']);
      assert.deepEqual(rec.changes, [['ADDED', 'before', '1'], ['ADDED', 'after', '1']]);
    } finally {
      rec.informer.dispose();
      await fixture.stop();
    }
  });
});

function unlessAlreadyExists(err: unknown): void {
  if (!(err instanceof ApiError && err.code === 'AlreadyExists')) throw err;
}

/** The real store, with the first watch held back until `release()`: lets etcd compact past it. */
function holdingWatches(store: Store): { store: Store; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held: Store = {
    create: (k, o) => store.create(k, o),
    get: (k) => store.get(k),
    list: (p) => store.list(p),
    update: (k, o, r) => store.update(k, o, r),
    delete: (k, r) => store.delete(k, r),
    commit: (w) => store.commit(w),
    currentRevision: () => store.currentRevision(),
    close: () => store.close(),
    watch: (prefix, options) => {
      let inner: StoreWatch | undefined;
      let disposed = false;
      void gate.then(() => {
        if (!disposed) inner = store.watch(prefix, options);
      });
      return { dispose: () => ((disposed = true), inner?.dispose()) };
    },
  };
  return { store: held, release };
}
