import { strict as assert } from 'node:assert';
import type { Pod } from '../../../../api/core-v1';
import type { KubeList } from '../../../../api/meta';
import type { Store } from '../../../../control-plane/store/store';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';

function aPod(name: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
}

/** Counts the store's range reads of pods (what every LIST from etcd costs). */
function countingPodLists(counter: { lists: number }) {
  return (store: Store): Store => new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'list') return Reflect.get(target, prop, receiver) as unknown;
      return (prefix: string, options?: { revision?: number }) => {
        if (prefix.includes('/core/pods/')) counter.lists++;
        return target.list(prefix, options);
      };
    },
  });
}

/** The same request, forced to etcd: an explicit resourceVersion with resourceVersionMatch is never the cache's. */
function fromEtcd(path: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}resourceVersion=1&resourceVersionMatch=NotOlderThan`;
}

const ALL = '/api/v1/pods';
const DEFAULT = '/api/v1/namespaces/default/pods';
const OTHER = '/api/v1/namespaces/other/pods';

describe('LIST from the API server watch cache (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  const counter = { lists: 0 };
  let api: ApiServerFixture;
  before(async () => {
    api = await startApiServerFixture(etcd.get(), { wrapStore: countingPodLists(counter) });
    assert.equal((await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } })).status, 201);
    for (let i = 0; i < 12; i++) {
      const labels = { app: i % 3 === 0 ? 'db' : 'web', tier: i % 2 === 0 ? 'front' : 'back' };
      const res = await api.request('POST', i % 4 === 0 ? OTHER : DEFAULT, { body: aPod(`p-${String(i).padStart(2, '0')}`, labels) });
      assert.equal(res.status, 201, res.text);
    }
  });
  after(async () => api?.stop());

  it('sees every write in a LIST right after it (read your writes), serving the LISTs from the cache', async () => {
    await api.request('GET', DEFAULT);
    const before = counter.lists;
    for (let i = 0; i < 25; i++) {
      const created = await api.request('POST', DEFAULT, { body: aPod(`ryw-${i}`, { round: String(i) }) });
      assert.equal(created.status, 201, created.text);
      await api.registry.patch('pods', 'default', `ryw-${i}`, 'merge-patch', { metadata: { labels: { seen: 'yes' } } });
      const list = (await api.request('GET', `${DEFAULT}?labelSelector=round%3D${i}`)).json<KubeList<Pod>>();
      assert.deepEqual(list.items.map((p) => [p.metadata.name, p.metadata.labels?.seen]), [[`ryw-${i}`, 'yes']]);
      assert.ok(Number(list.metadata.resourceVersion) >= Number(list.items[0].metadata.resourceVersion));
      const deleted = await api.request('DELETE', `${DEFAULT}/ryw-${i}?gracePeriodSeconds=0`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.equal((await api.request('GET', `${DEFAULT}?labelSelector=round%3D${i}`)).json<KubeList<Pod>>().items.length, 0);
    }
    assert.equal(counter.lists - before, 0, 'no LIST read the pods from etcd');
  });

  const queries = [
    ALL, DEFAULT, OTHER,
    `${ALL}?labelSelector=app%3Dweb`,
    `${ALL}?labelSelector=app%20in%20(web,db),tier!%3Dfront`,
    `${DEFAULT}?labelSelector=tier`,
    `${ALL}?fieldSelector=metadata.namespace!%3Ddefault`,
    `${ALL}?fieldSelector=metadata.name%3Dp-05&labelSelector=app`,
    `${ALL}?labelSelector=nothing%3Dmatches`,
    `${ALL}?pretty=true`,
    `${DEFAULT}?includeObject=Object`,
  ];
  for (const query of queries) {
    it(`answers ${query} byte for byte as the etcd path does`, async () => {
      const [cached, direct] = [await api.request('GET', query), await api.request('GET', fromEtcd(query))];
      assert.equal(cached.status, 200, cached.text);
      assert.equal(cached.text, direct.text);
      assert.equal(cached.headers['content-type'], direct.headers['content-type']);
    });
  }

  it('answers PartialObjectMetadataList and Table as the etcd path does', async () => {
    for (const accept of ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'application/json;as=Table;v=v1;g=meta.k8s.io']) {
      const headers = { Accept: accept };
      const [cached, direct] = [(await api.request('GET', ALL, { headers })).json(), (await api.request('GET', fromEtcd(ALL), { headers })).json()];
      assert.equal(cached.kind, direct.kind);
      assert.deepEqual(cached.metadata, direct.metadata);
      const rows = (t: Record<string, any>) => (t.items ?? t.rows).map((r: Record<string, any>) => r.metadata ?? r.object.metadata); // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.deepEqual(rows(cached), rows(direct));
    }
  });

  it('pages with limit and continue as the etcd path does, from the cache', async () => {
    const before = counter.lists;
    const walk = async (viaEtcd: boolean): Promise<string[]> => {
      const bodies: string[] = [];
      let next = '';
      do {
        const path = `${ALL}?labelSelector=app&limit=4${next ? `&continue=${encodeURIComponent(next)}` : ''}`;
        const res = await api.request('GET', viaEtcd ? fromEtcd(path) : path);
        assert.equal(res.status, 200, res.text);
        bodies.push(res.text);
        next = res.json().metadata.continue ?? '';
      } while (next);
      return bodies;
    };
    const cached = await walk(false);
    assert.equal(counter.lists - before, 0, 'no page read the pods from etcd');
    assert.deepEqual(cached, await walk(true));
    assert.equal(cached.length, 3);
    assert.equal(JSON.parse(cached[0]).metadata.remainingItemCount, 8);
  });

  it('continues a list changed since its first page from etcd, with the changed objects\' newest state', async () => {
    const first = (await api.request('GET', `${DEFAULT}?limit=2`)).json<KubeList<Pod>>();
    await api.registry.patch('pods', 'default', 'p-11', 'merge-patch', { metadata: { labels: { changed: 'after-first-page' } } });
    const before = counter.lists;
    const rest = (await api.request('GET', `${DEFAULT}?continue=${encodeURIComponent(first.metadata.continue ?? '')}`)).json<KubeList<Pod>>();
    assert.equal(counter.lists - before, 1, 'the continuation was read from etcd');
    assert.equal(rest.metadata.resourceVersion, first.metadata.resourceVersion);
    assert.equal(rest.items.find((p) => p.metadata.name === 'p-11')?.metadata.labels?.changed, 'after-first-page');
    assert.deepEqual([...first.items, ...rest.items].map((p) => p.metadata.name), (await api.request('GET', DEFAULT)).json<KubeList<Pod>>().items.map((p) => p.metadata.name));
  });

  it('answers resourceVersion=0 from the cache, and an explicit resourceVersion from etcd', async () => {
    await api.request('GET', ALL);
    const before = counter.lists;
    const zero = await api.request('GET', `${ALL}?resourceVersion=0`);
    assert.equal(zero.status, 200);
    assert.equal(counter.lists - before, 0);
    const explicit = await api.request('GET', `${ALL}?resourceVersion=${zero.json().metadata.resourceVersion}`);
    assert.equal(explicit.status, 200);
    assert.equal(counter.lists - before, 1);
    assert.deepEqual(explicit.json().items, zero.json().items);
  });
});
