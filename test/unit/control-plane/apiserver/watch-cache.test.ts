import assert from 'node:assert/strict';
import { ApiError } from '../../../../api/errors';
import type { WatchEvent, WatchSink } from '../../../../control-plane/apiserver/cache-watcher';
import { PODS } from '../../../../control-plane/registry/kinds';
import { compileSelection } from '../../../../control-plane/registry/selection';
import { WatchCache } from '../../../../control-plane/apiserver/watch-cache';
import { MemorySource, PODS_PREFIX } from '../../../support/memory-watch-source';
import { apiRejection } from '../../../support/api-rejection';

const PREFIX = PODS_PREFIX;

/** A client: collects what it is sent; `busy` makes it answer "busy" to every send. */
class Client implements WatchSink {
  readonly events: WatchEvent[] = [];
  ended = false;
  busy = false;
  send(event: WatchEvent): boolean {
    this.events.push(event);
    return !this.busy;
  }
  end(): void {
    this.ended = true;
  }
  get seen(): string[] {
    return this.events.map((e) => `${e.type} ${e.object.metadata.name}@${e.revision}`);
  }
}

const everything = { selection: compileSelection(PODS.fields, {}) };


describe('WatchCache', () => {
  let source: MemorySource;
  let cache: WatchCache;
  beforeEach(() => {
    source = new MemorySource();
    cache = new WatchCache(source, PREFIX, { capacity: 4, queueLimit: 3, freshnessWaitMs: 100, log: () => undefined });
  });
  afterEach(() => cache.dispose());

  it('starts a watch from resourceVersion 0 with the current objects as ADDED, then follows changes', async () => {
    source.put('a');
    const client = new Client();
    const sub = await cache.watch({ resourceVersion: '0', filter: everything, sink: client });
    sub.resume();
    source.put('b');
    source.put('a');
    source.remove('b');
    assert.deepEqual(client.seen, ['ADDED a@101', 'ADDED b@102', 'MODIFIED a@103', 'DELETED b@104']);
    assert.equal(sub.startRevision, 101);
  });

  it('fans one event out to many watchers from one source watch, serializing each object once', async () => {
    let serialized = 0;
    const clients = [new Client(), new Client(), new Client()];
    for (const client of clients) (await cache.watch({ filter: everything, sink: client })).resume();
    const object = source.put('a');
    Object.defineProperty(object, 'toJSON', { value: () => (serialized++, { ...object }), enumerable: false });
    const lines = clients.map((c) => c.events[0].json?.());
    assert.equal(source.watchesOpened, 1);
    assert.equal(serialized, 1);
    assert.deepEqual(new Set(lines).size, 1);
    assert.equal(cache.watcherCount, 3);
  });

  it('filters by namespace and label selector, with ADDED and DELETED as objects start and stop matching', async () => {
    const client = new Client();
    const filter = { namespace: 'default', selection: compileSelection(PODS.fields, { labelSelector: 'tier=front' }) };
    (await cache.watch({ filter, sink: client })).resume();
    source.put('a', { tier: 'front' });
    source.put('b', { tier: 'front' }, 'other');
    source.put('c', { tier: 'back' });
    source.put('c', { tier: 'front' });
    source.put('a', { tier: 'back' });
    source.put('c', { tier: 'front', x: 'y' });
    assert.deepEqual(client.seen, ['ADDED a@101', 'ADDED c@104', 'DELETED a@105', 'MODIFIED c@106']);
    const gone = client.events[2].object;
    assert.deepEqual(gone.metadata.labels, { tier: 'front' }, 'the state before the change');
    assert.equal(gone.metadata.resourceVersion, '105');
  });

  it('replays its window after a resourceVersion, and answers one older than the window with 410 Gone', async () => {
    (await cache.watch({ filter: everything, sink: new Client() })).resume();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) source.put(name);
    const client = new Client();
    (await cache.watch({ resourceVersion: '104', filter: everything, sink: client })).resume();
    assert.deepEqual(client.seen, ['ADDED e@105', 'ADDED f@106']);
    const err = await apiRejection(cache.watch({ resourceVersion: '101', filter: everything, sink: new Client() }));
    assert.equal(err.code, 'Gone');
    assert.equal(err.message, 'too old resource version: 101 (102)');
    (await cache.watch({ resourceVersion: '102', filter: everything, sink: new Client() })).dispose();
  });

  it('drops a watcher whose queue overflows while its client is busy, and keeps serving the others', async () => {
    const slow = new Client();
    const fast = new Client();
    (await cache.watch({ filter: everything, sink: slow })).resume();
    (await cache.watch({ filter: everything, sink: fast })).resume();
    slow.busy = true;
    for (const name of ['a', 'b', 'c', 'd', 'e']) source.put(name);
    assert.equal(slow.ended, true);
    assert.deepEqual(slow.seen, ['ADDED a@101']);
    assert.equal(fast.events.length, 5);
    assert.equal(cache.watcherCount, 1);
  });

  it('sends what waited once a busy client drains', async () => {
    const client = new Client();
    const sub = await cache.watch({ filter: everything, sink: client });
    sub.resume();
    client.busy = true;
    source.put('a');
    source.put('b');
    assert.equal(client.events.length, 1);
    assert.equal(sub.bookmarkRevision(), 101, 'not caught up while events wait');
    client.busy = false;
    sub.resume();
    assert.deepEqual(client.seen, ['ADDED a@101', 'ADDED b@102']);
    assert.equal(sub.bookmarkRevision(), 102);
  });

  it('starts at the revision a first watch asks for while the source still has it', async () => {
    source.put('a');
    const client = new Client();
    (await cache.watch({ resourceVersion: '101', filter: everything, sink: client })).resume();
    source.put('b');
    assert.deepEqual(source.listedAt, [101]);
    assert.deepEqual(client.seen, ['ADDED b@102']);
  });

  it('waits for a resourceVersion ahead of it, and answers 504 Timeout with a ResourceVersionTooLarge cause when the source is not there yet', async () => {
    (await cache.watch({ filter: everything, sink: new Client() })).dispose();
    const err = await apiRejection(cache.watch({ resourceVersion: '150', filter: everything, sink: new Client() }));
    assert.equal(err.code, 'Timeout');
    assert.equal(err.httpStatus, 504);
    assert.equal(err.message, 'Too large resource version: 150, current: 100');
    assert.deepEqual(err.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
    assert.equal(err.subject.retryAfterSeconds, 1);
  });

  it('serves a resourceVersion ahead of it once the source reports progress past it', async () => {
    (await cache.watch({ filter: everything, sink: new Client() })).dispose();
    source.revision = 120; // writes elsewhere in the store
    const sub = await cache.watch({ resourceVersion: '110', filter: everything, sink: new Client() });
    assert.equal(sub.startRevision, 110);
    sub.dispose();
  });

  it('refuses an unparsable resourceVersion with 400', async () => {
    assert.equal((await apiRejection(cache.watch({ resourceVersion: 'x1', filter: everything, sink: new Client() }))).code, 'BadRequest');
  });

  it('ends its watchers and releases the source watch when disposed, keeping nothing per watcher', async () => {
    const clients = [new Client(), new Client()];
    for (const client of clients) (await cache.watch({ filter: everything, sink: client })).resume();
    cache.dispose();
    assert.deepEqual(clients.map((c) => c.ended), [true, true]);
    assert.equal(source.watches.size, 0);
    assert.equal(cache.watcherCount, 0);
    assert.equal(cache.objectCount, 0);
  });

  it('ends its watchers when the source reports its revision compacted, and lists afresh on the next watch', async () => {
    const client = new Client();
    (await cache.watch({ filter: everything, sink: client })).resume();
    for (const w of source.watches) w.onError(new ApiError('Gone', 'compacted'));
    await new Promise((r) => setImmediate(r));
    assert.equal(client.ended, true);
    (await cache.watch({ filter: everything, sink: new Client() })).dispose();
    assert.equal(source.watchesOpened, 2);
  });
});
