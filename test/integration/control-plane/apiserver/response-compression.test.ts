import { strict as assert } from 'node:assert';
import { gunzipSync } from 'node:zlib';
import type { Pod } from '../../../../api/core-v1';
import type { KubeList } from '../../../../api/meta';
import { GZIP_THRESHOLD_BYTES } from '../../../../control-plane/apiserver/respond';
import { startApiServerFixture, type ApiServerFixture, type HttpResult } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';

const PODS = '/api/v1/namespaces/default/pods';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const GZIP = { 'Accept-Encoding': 'gzip' };

function aPod(i: number): Pod {
  // About 2.5 KB each: 80 of them make a list of ≈ 200 KB, over the 128 KiB threshold.
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `big-${String(i).padStart(3, '0')}`, labels: { app: 'big' }, annotations: { note: `pod ${i} `.repeat(300) } },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], schedulerName: 'nobody' },
  };
}

function body(res: HttpResult): string {
  return (res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.bytes) : res.bytes).toString('utf8');
}

describe('gzip of large answers, as the apiserver compresses them (real etcd)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  before(async () => {
    api = await startApiServerFixture(etcd.get());
    for (let i = 0; i < 80; i++) {
      const res = await api.request('POST', PODS, { body: aPod(i) });
      assert.equal(res.status, 201, res.text);
    }
  });
  after(async () => api?.stop());

  const lists: [string, string, Record<string, string>][] = [
    ['a LIST from the watch cache', PODS, {}],
    ['a LIST from etcd', `${PODS}?resourceVersion=1&resourceVersionMatch=NotOlderThan`, {}],
    ['a Table LIST from the watch cache', PODS, { Accept: TABLE }],
  ];
  for (const [what, path, headers] of lists) {
    it(`gzips ${what} over 128 KiB for a client sending Accept-Encoding: gzip, and the gzip holds the same answer`, async () => {
      const plain = await api.request('GET', path, { headers });
      const gzipped = await api.request('GET', path, { headers: { ...headers, ...GZIP } });
      assert.equal(plain.status, 200, plain.text);
      assert.equal(gzipped.status, 200, gzipped.text);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.ok(plain.bytes.length > GZIP_THRESHOLD_BYTES, `the plain answer has ${plain.bytes.length} bytes`);
      assert.equal(gzipped.headers['content-encoding'], 'gzip');
      assert.equal(gzipped.headers.vary, 'Accept-Encoding');
      assert.equal(Number(gzipped.headers['content-length']), gzipped.bytes.length);
      assert.ok(gzipped.bytes.length * 5 < plain.bytes.length, `gzip ${gzipped.bytes.length} of ${plain.bytes.length} bytes`);
      const [a, b] = [JSON.parse(body(plain)) as KubeList<Pod>, JSON.parse(body(gzipped)) as KubeList<Pod>];
      // A Table's rows carry ages; the two answers came a moment apart.
      if (!headers.Accept) assert.equal(body(gzipped), body(plain));
      else assert.equal(JSON.stringify((b as unknown as { rows: unknown[] }).rows.length), JSON.stringify((a as unknown as { rows: unknown[] }).rows.length));
    });
  }

  it('answers identical gzipped LISTs of an unchanged state alike, and a write changes the next one', async () => {
    const first = await Promise.all(Array.from({ length: 8 }, () => api.request('GET', PODS, { headers: GZIP })));
    assert.ok(first.every((r) => r.bytes.equals(first[0].bytes)), 'concurrent LISTs of one state got the same gzip');
    const created = await api.request('POST', PODS, { body: aPod(80) });
    assert.equal(created.status, 201, created.text);
    const after = await api.request('GET', PODS, { headers: GZIP });
    const list = JSON.parse(body(after)) as KubeList<Pod>;
    assert.equal(list.items.length, 81);
    assert.equal(list.metadata.resourceVersion, created.json<Pod>().metadata.resourceVersion);
  });

  it('does not gzip a small answer, nor for a client that does not ask for gzip', async () => {
    const small = await api.request('GET', `${PODS}?fieldSelector=metadata.name%3Dbig-001`, { headers: GZIP });
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal(JSON.parse(small.text).items.length, 1);
    for (const encoding of ['deflate', 'br', 'identity']) {
      const res = await api.request('GET', PODS, { headers: { 'Accept-Encoding': encoding } });
      assert.equal(res.headers['content-encoding'], undefined, encoding);
      assert.ok(JSON.parse(res.text).items.length >= 80);
    }
  });

  it('serves kubectl (whose Go transport asks for gzip and unpacks it unlogged) a large list it prints whole', async () => {
    const res = await api.kubectl(['get', 'pods', '-l', 'app=big', '-o', 'name']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim().split('\n').length, 81);
  });
});
