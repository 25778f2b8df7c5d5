import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../../api/meta';
import { Expectations, toBeGone, toSee } from '../../../../../control-plane/controllers/framework/expectations';
import { Informer } from '../../../../../control-plane/store/informer';
import { MemoryStore } from '../../../../../control-plane/store/memory-store';
import { FakeClock, settle } from '../../../../support/fake-clock';

const PREFIX = '/registry/core/configmaps/';
interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const aConfigMap = (name: string, v = '1'): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}` }, data: { v } });

describe('expectations', () => {
  let store: MemoryStore;
  let informer: Informer<ConfigMap>;
  let clock: FakeClock;
  let released: string[];
  let expectations: Expectations<ConfigMap>;

  beforeEach(async () => {
    store = new MemoryStore();
    informer = new Informer<ConfigMap>(store, PREFIX);
    informer.start();
    await informer.whenSynced();
    clock = new FakeClock();
    released = [];
    expectations = new Expectations(informer, { clock, ttlMs: 60_000, onSatisfied: (key) => released.push(key) });
  });

  afterEach(() => {
    expectations.dispose();
    informer.dispose();
    assert.equal(clock.timers, 0, 'no expiry timer outlives the expectations');
  });

  it('holds a key until the informer shows what was created, then releases it once', async () => {
    const next = String((await store.currentRevision()) + 1);
    expectations.expect('owner', toSee({ ...aConfigMap('a'), metadata: { ...aConfigMap('a').metadata, resourceVersion: next } }));
    assert.equal(expectations.satisfied('owner'), false, 'not in the cache yet is not seen');
    await store.create(`${PREFIX}default/a`, aConfigMap('a'));
    await settle();
    assert.equal(expectations.satisfied('owner'), true);
    assert.deepEqual(released, ['owner']);
  });

  it('drops at once what the informer already shows', async () => {
    const created = await store.create(`${PREFIX}default/a`, aConfigMap('a'));
    await settle();
    expectations.expect('owner', toSee(created));
    assert.equal(expectations.satisfied('owner'), true);
    assert.deepEqual(released, []);
  });

  it('waits for every write of a key: an update at its resourceVersion and a deletion', async () => {
    const [a, b] = [await store.create(`${PREFIX}default/a`, aConfigMap('a')), await store.create(`${PREFIX}default/b`, aConfigMap('b'))];
    await settle();
    const updated = await store.update(`${PREFIX}default/a`, { ...a, data: { v: '2' } }, Number(a.metadata.resourceVersion));
    assert.ok(updated.ok);
    expectations.expect('owner', toSee(updated.object), toBeGone(b));
    await settle();
    assert.equal(expectations.satisfied('owner'), false, 'the deletion has not happened');
    await store.delete(`${PREFIX}default/b`);
    await settle();
    assert.equal(expectations.satisfied('owner'), true);
  });

  it('expires after its timeout (an event lost), releasing the key', async () => {
    expectations.expect('owner', toSee({ ...aConfigMap('never'), metadata: { ...aConfigMap('never').metadata, resourceVersion: '1' } }));
    assert.equal(clock.timers, 1);
    await clock.advance(59_999);
    assert.equal(expectations.satisfied('owner'), false);
    await clock.advance(1);
    assert.equal(expectations.satisfied('owner'), true);
    assert.deepEqual(released, ['owner']);
  });

  it('forget drops a key without releasing it', () => {
    expectations.expect('owner', toSee({ ...aConfigMap('never'), metadata: { ...aConfigMap('never').metadata, resourceVersion: '1' } }));
    expectations.forget('owner');
    assert.equal(expectations.satisfied('owner'), true);
    assert.deepEqual(released, []);
  });
});
