import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/meta';
import type { CacheListRequest } from '../../../../control-plane/apiserver/cache-list';
import { decodeContinue, takePage } from '../../../../control-plane/apiserver/list-pagination';
import { PODS } from '../../../../control-plane/registry/kinds';
import { compileSelection, type SelectorStrings } from '../../../../control-plane/registry/selection';
import { WatchCache } from '../../../../control-plane/apiserver/watch-cache';
import { MemorySource, PODS_PREFIX } from '../../../support/memory-watch-source';

function request(selectors: SelectorStrings = {}, more: Partial<CacheListRequest> = {}): CacheListRequest {
  return { filter: { namespace: more.filter?.namespace, selection: compileSelection(PODS.fields, selectors) }, ...more };
}

function inNamespace(namespace: string, selectors: SelectorStrings = {}): CacheListRequest {
  return { filter: { namespace, selection: compileSelection(PODS.fields, selectors) } };
}

/** What registry.list computes from etcd's objects (filter, key order, takePage), for comparison. */
function fromEtcd(source: MemorySource, req: CacheListRequest): { names: string[]; rv: number; continue?: string } {
  const matching = [...source.objects.entries()]
    .filter(([, o]) => (req.filter.namespace === undefined || o.metadata.namespace === req.filter.namespace) && req.filter.selection.matches(o))
    .map(([key, object]) => ({ key, object }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  const page = takePage(matching, source.revision, req.limit, req.continue);
  return { names: page.items.map(nameOf), rv: page.resourceVersion, continue: page.continue };
}

function nameOf(o: KubeObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}

describe('WatchCache list', () => {
  let source: MemorySource;
  let cache: WatchCache;
  beforeEach(() => {
    source = new MemorySource();
    cache = new WatchCache(source, PODS_PREFIX, { freshnessWaitMs: 300, log: () => undefined });
    source.put('web-2', { app: 'web', tier: 'front' });
    source.put('db', { app: 'db' });
    source.put('web-1', { app: 'web', tier: 'back' }, 'other');
    source.put('web-0', { app: 'web', tier: 'front' });
    source.put('cache', { app: 'cache' }, 'other');
  });
  afterEach(() => cache.dispose());

  async function names(req: CacheListRequest): Promise<{ names: string[]; rv: number; continue?: string }> {
    const page = await cache.list(req);
    assert.ok(page, 'the cache answered');
    return { names: page.items.map((e) => nameOf(e.cached.object)), rv: page.resourceVersion, continue: page.continue };
  }

  const cases: Array<[string, CacheListRequest]> = [
    ['every namespace, in key order', request()],
    ['one namespace', inNamespace('default')],
    ['a label selector', request({ labelSelector: 'app=web,tier!=back' })],
    ['a set-based label selector in a namespace', inNamespace('other', { labelSelector: 'app in (web,cache)' })],
    ['a field selector', request({ fieldSelector: 'metadata.namespace!=default' })],
    ['label and field selectors together', request({ labelSelector: 'app', fieldSelector: 'metadata.name=web-0' })],
  ];
  for (const [what, req] of cases) {
    it(`answers as registry.list does from etcd: ${what}`, async () => {
      assert.deepEqual(await names(req), fromEtcd(source, req));
    });
  }

  it('starts the cache on the first list, then answers later ones without listing etcd again', async () => {
    await names(request());
    source.put('new');
    assert.deepEqual((await names(request())).names, fromEtcd(source, request()).names);
    assert.deepEqual(source.listedAt, [undefined]);
    assert.equal(source.currentRevisionReads, 2);
  });

  it('pages with limit and continue tokens as the etcd path does, each page at the first page\'s revision', async () => {
    const first = await names(request({}, { limit: 2 }));
    assert.deepEqual(first, fromEtcd(source, request({}, { limit: 2 })));
    const token = decodeContinue(first.continue ?? '');
    const second = await names(request({}, { limit: 2, continue: token }));
    assert.deepEqual(second, fromEtcd(source, request({}, { limit: 2, continue: token })));
    const last = await names(request({}, { limit: 2, continue: decodeContinue(second.continue ?? '') }));
    assert.deepEqual(last.names, ['other/web-1']);
    assert.equal(last.rv, first.rv);
    assert.equal(last.continue, undefined);
  });

  it('reports how many items remain after a page', async () => {
    const page = await cache.list(request({ labelSelector: 'app=web' }, { limit: 1 }));
    assert.equal(page?.remainingItemCount, 2);
  });

  it('leaves a continuation to etcd once the state has changed since the token\'s revision', async () => {
    const first = await names(request({}, { limit: 2 }));
    source.put('db', { app: 'db', changed: 'yes' });
    assert.equal(await cache.list(request({}, { limit: 2, continue: decodeContinue(first.continue ?? '') })), undefined);
  });

  it('serves a continuation whose revision it has not reached once it reaches it', async () => {
    const first = await names(request({}, { limit: 2 }));
    source.revision = first.rv + 5; // writes elsewhere in the store: the pods are as they were
    const token = { rv: first.rv + 5, start: decodeContinue(first.continue ?? '').start };
    assert.deepEqual((await names(request({}, { limit: 2, continue: token }))).rv, first.rv + 5);
  });

  it('waits for a write its store watch has not delivered yet, so a LIST after a write sees it (read your writes)', async () => {
    await names(request());
    source.lagging = true;
    source.put('written');
    const pending = cache.list(request());
    setTimeout(() => source.deliverHeld(), 50);
    const page = await pending;
    assert.ok(page?.items.some((e) => e.cached.object.metadata.name === 'written'));
    assert.equal(page?.resourceVersion, source.revision);
  });

  it('reaches etcd\'s revision after writes elsewhere through progress notifications, and names it', async () => {
    await names(request());
    source.revision = 150;
    assert.equal((await names(request())).rv, 150);
  });

  it('gives up after freshnessWaitMs when it does not reach etcd\'s revision, so the caller reads etcd', async () => {
    await names(request());
    source.silent = true;
    source.revision = 150;
    const started = Date.now();
    assert.equal(await cache.list(request()), undefined);
    assert.ok(Date.now() - started >= 250, `gave up after ${Date.now() - started} ms`);
  });

  it('leaves the list to etcd when etcd is away, whether or not the cache is running', async () => {
    source.away = true;
    assert.equal(await cache.list(request()), undefined);
    source.away = false;
    await names(request());
    source.away = true;
    assert.equal(await cache.list(request()), undefined);
  });

  it('answers resourceVersion 0 from the cache as it is, without asking etcd', async () => {
    await names(request());
    const reads = source.currentRevisionReads;
    source.lagging = true;
    source.put('not-yet-seen');
    source.away = true;
    const page = await names(request({}, { resourceVersion: '0' }));
    assert.equal(page.names.includes('default/not-yet-seen'), false);
    assert.equal(page.rv, source.revision - 1);
    assert.equal(source.currentRevisionReads, reads);
  });

  it('shares the filtered entries among LISTs naming the same filter until the state changes, and names the state', async () => {
    const named = (key: string): CacheListRequest => ({ ...request({ labelSelector: 'app=web' }), filterKey: key });
    const first = await cache.list(named('web'));
    const again = await cache.list(named('web'));
    assert.equal(again?.items, first?.items);
    assert.equal(again?.stateVersion, first?.stateVersion);
    assert.equal(again?.filterKey, 'web');
    source.put('web-9', { app: 'web' });
    const after = await cache.list(named('web'));
    assert.notEqual(after?.stateVersion, first?.stateVersion);
    assert.deepEqual(after?.items.map((e) => e.cached.object.metadata.name), fromEtcd(source, named('web')).names.map((n) => n.split('/')[1]));
    source.revision = 200; // progress elsewhere in the store does not change the state
    assert.equal((await cache.list(named('web')))?.stateVersion, after?.stateVersion);
  });

  it('answers with the objects the cache holds, not copies', async () => {
    const page = await cache.list(request());
    const again = await cache.list(request());
    assert.equal(page?.items[0].cached, again?.items[0].cached);
  });
});
