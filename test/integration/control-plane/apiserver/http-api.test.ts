import { strict as assert } from 'node:assert';
import https from 'node:https';
import type { Pod } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import { createCertificateAuthority, issueCertificate } from '../../../../control-plane/auth/pki';
import type { Store, StoreWatch } from '../../../../control-plane/store/store';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';
import { openWatch } from '../../../support/watch-stream';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function aPod(name: string, labels: Record<string, string> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
}

/** Counts the store watches open right now, to show that the server releases them. */
function countingWatches(open: { count: number }) {
  return (store: Store): Store => new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'watch') return Reflect.get(target, prop, receiver) as unknown;
      return (prefix: string, options: Parameters<Store['watch']>[1]): StoreWatch => {
        open.count++;
        const inner = target.watch(prefix, options);
        let disposed = false;
        return {
          dispose: () => { if (!disposed) { disposed = true; open.count--; } inner.dispose(); },
          // Progress notifications are how the watch cache catches up with etcd for a LIST.
          requestProgress: () => inner.requestProgress?.(),
        };
      };
    },
  });
}

describe('API server over HTTPS (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();
  const watches = { count: 0 };
  let api: ApiServerFixture;
  /** Each test works in a namespace of its own: `/api/v1/namespaces/<ns>/pods`. */
  let PODS: string;
  let tests = 0;

  before(async () => {
    api = await startApiServerFixture(etcd.get(), { wrapStore: countingWatches(watches), server: { watch: { bookmarkIntervalMs: 200 } } });
  });
  after(async () => api?.stop());
  beforeEach(async () => {
    const ns = `t${++tests}`;
    assert.equal((await api.request('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } })).status, 201);
    PODS = `/api/v1/namespaces/${ns}/pods`;
  });

  describe('authentication', () => {
    it('answers a request without a client certificate with a 401 Status', async () => {
      const res = await api.request('GET', PODS, { authenticated: false });
      assert.equal(res.status, 401);
      assert.deepEqual(res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', details: {}, code: 401 });
    });

    it('answers a certificate from another CA with a 401', async () => {
      const stranger = issueCertificate(createCertificateAuthority('other'), { commonName: 'mallory', organizations: ['system:masters'], usages: ['clientAuth'] });
      const status = await new Promise<number>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: api.port, path: PODS, ca: api.pki.ca.certPem, cert: stranger.certPem, key: stranger.keyPem, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      assert.equal(status, 401);
    });

    it('lets anyone read health and version, as Kubernetes allows', async () => {
      for (const path of ['/healthz', '/livez', '/readyz']) {
        const res = await api.request('GET', path, { authenticated: false });
        assert.equal(`${res.status} ${res.text}`, '200 ok', path);
      }
      const version = (await api.request('GET', '/version', { authenticated: false })).json();
      assert.equal(version.major, '1');
      assert.equal(version.minor, '32');
      assert.match(version.gitVersion, /^v1\.32\.0-/);
      assert.match((await api.request('GET', '/readyz?verbose', { authenticated: false })).text, /\[\+\]etcd ok/);
    });
  });

  describe('discovery', () => {
    it('describes the core group with kinds, verbs, short names, categories and subresources', async () => {
      assert.deepEqual((await api.request('GET', '/api')).json().versions, ['v1']);
      const discoveryV1 = { groupVersion: 'discovery.k8s.io/v1', version: 'v1' };
      const metricsV1beta1 = { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' };
      const group = (name: string): object => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' } });
      assert.deepEqual((await api.request('GET', '/apis')).json(), {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: [{ name: 'discovery.k8s.io', versions: [discoveryV1], preferredVersion: discoveryV1 }, group('apps'), group('batch'), group('policy'), group('storage.k8s.io'),
          group('rbac.authorization.k8s.io'), group('authorization.k8s.io'), group('authentication.k8s.io'), group('certificates.k8s.io'),
          { name: 'metrics.k8s.io', versions: [metricsV1beta1], preferredVersion: metricsV1beta1 }, group('coordination.k8s.io'), group('apiextensions.k8s.io')],
      });
      assert.deepEqual((await api.request('GET', '/apis/discovery.k8s.io/v1')).json().resources.map((r: { name: string }) => r.name), ['endpointslices']);
      const list = (await api.request('GET', '/api/v1')).json();
      assert.equal(list.groupVersion, 'v1');
      const byName = Object.fromEntries((list.resources as { name: string; namespaced: boolean }[]).map((r) => [r.name, r]));
      assert.deepEqual(byName.pods, { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'] });
      assert.deepEqual(byName['pods/binding'], { name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
      assert.equal(byName.namespaces.namespaced, false);
    });

    it('describes apps/v1 replicasets with their status and scale subresources', async () => {
      const apps = (await api.request('GET', '/apis/apps/v1')).json();
      const byName = Object.fromEntries((apps.resources as { name: string }[]).map((r) => [r.name, r]));
      assert.deepEqual(byName.replicasets, {
        name: 'replicasets', singularName: 'replicaset', namespaced: true, kind: 'ReplicaSet',
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['rs'], categories: ['all'],
      });
      assert.deepEqual(byName['replicasets/status'], { name: 'replicasets/status', singularName: '', namespaced: true, kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] });
      assert.deepEqual(byName['replicasets/scale'], { name: 'replicasets/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    });

    it('serves OpenAPI v3, and v2 as JSON or protobuf by Accept', async () => {
      const index = (await api.request('GET', '/openapi/v3')).json();
      const doc = await api.request('GET', index.paths['api/v1'].serverRelativeURL);
      assert.equal(doc.status, 200);
      assert.ok(doc.json().paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch);
      const v2 = await api.request('GET', '/openapi/v2');
      assert.equal(v2.status, 200);
      assert.equal(v2.json().swagger, '2.0');
      assert.ok(v2.json().paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
      const pb = await api.request('GET', '/openapi/v2', { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
      assert.equal(pb.status, 200);
      assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
      assert.equal((await api.request('GET', '/openapi/v2', { headers: { Accept: 'text/html' } })).status, 406);
    });
  });

  describe('errors', () => {
    it('is 404 with Kubernetes\' message for an unknown resource', async () => {
      const res = await api.request('GET', '/api/v1/namespaces/default/foos');
      assert.equal(res.status, 404);
      assert.equal(res.json().message, 'the server could not find the requested resource');
      assert.equal(res.json().reason, 'NotFound');
    });

    it('refuses dot and slash names in paths with 400 and touches nothing they could resolve to', async () => {
      assert.equal((await api.request('POST', PODS, { body: aPod('keep') })).status, 201);
      const ns = PODS.split('/')[4];
      for (const [method, path] of [['DELETE', `${PODS}/%2e`], ['DELETE', `${PODS}/.`], ['DELETE', `/api/v1/namespaces/${ns}/services/..`],
        ['DELETE', `/api/v1/namespaces/${ns}/services/%2E%2E`], ['GET', '/api/v1/nodes/.'], ['DELETE', `${PODS}/keep%2F..`], ['GET', `/api/v1/namespaces/%2e%2e/pods`]]) {
        const res = await api.request(method, path);
        assert.equal(res.status, 400, `${method} ${path}: ${res.text}`);
        assert.equal(res.json().reason, 'BadRequest');
        assert.match(res.json().message, /parameter invalid: .*may not (be|contain) '/);
      }
      assert.equal((await api.request('GET', `${PODS}/keep`)).status, 200);
      assert.equal((await api.request('GET', `/api/v1/namespaces/${ns}`)).json().status.phase, 'Active');
    });

    it('is 400 with the parse error for malformed YAML and JSON', async () => {
      const yaml = await api.request('POST', PODS, { body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [\n', headers: { 'Content-Type': 'application/yaml' } });
      assert.equal(yaml.status, 400);
      assert.match(yaml.json().message, /^error converting YAML to JSON: yaml: line \d+: /);
      const json = await api.request('POST', PODS, { body: '{"metadata":', headers: { 'Content-Type': 'application/json' } });
      assert.equal(json.status, 400);
      assert.match(json.json().message, /json parse error/);
    });

    it('is 422 with the field path for a bad quantity, and writes nothing', async () => {
      const bad = aPod('bad');
      bad.spec.containers[0].resources = { limits: { memory: '12XB' } };
      const res = await api.request('POST', PODS, { body: bad });
      assert.equal(res.status, 422);
      const status = res.json();
      assert.equal(status.reason, 'Invalid');
      assert.equal(status.details.kind, 'Pod');
      assert.equal(status.details.name, 'bad');
      const cause = status.details.causes.find((c: { field: string }) => c.field === 'spec.containers[0].resources.limits[memory]');
      assert.equal(cause.reason, 'FieldValueInvalid');
      assert.match(cause.message, /^Invalid value: "12XB": quantities must match the regular expression/);
      assert.match(status.message, /^Pod "bad" is invalid: /);
      assert.equal((await api.request('GET', `${PODS}/bad`)).status, 404);
    });

    it('is 413 for a body over 3 MiB', async () => {
      const big = Buffer.alloc(4 * 1024 * 1024, 'a');
      const res = await api.request('POST', PODS, { body: big, headers: { 'Content-Type': 'application/json' } });
      assert.equal(res.status, 413);
      assert.equal(res.json().reason, 'RequestEntityTooLarge');
      const streamed = await api.request('POST', PODS, { body: big, headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } });
      assert.equal(streamed.status, 413);
    });

    it('is 409 Conflict for an update with a stale resourceVersion', async () => {
      const created = (await api.request('POST', PODS, { body: aPod('web') })).json<Pod>();
      const fresh = await api.request('PUT', `${PODS}/web`, { body: { ...created, metadata: { ...created.metadata, labels: { v: '1' } } } });
      assert.equal(fresh.status, 200);
      const stale = await api.request('PUT', `${PODS}/web`, { body: { ...created, metadata: { ...created.metadata, labels: { v: '2' } } } });
      assert.equal(stale.status, 409);
      assert.equal(stale.json().message, 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again');
    });

    it('is 400 for an empty protobuf envelope and for unknown fields under fieldValidation=Strict', async () => {
      const proto = await api.request('POST', PODS, { body: Buffer.from('k8s\0'), headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } });
      assert.equal(proto.status, 400);
      assert.equal(proto.json().message, 'the object provided is unrecognized (must be of type Pod): empty body');
      const strict = await api.request('POST', `${PODS}?fieldValidation=Strict`, { body: { ...aPod('x'), spec: { containers: [{ name: 'c', image: 'i', imagee: 'j' }] } } });
      assert.equal(strict.status, 400);
      assert.match(strict.json().message, /strict decoding error: unknown field "spec\.containers\[0\]\.imagee"/);
      const warned = await api.request('POST', PODS, { body: { ...aPod('x'), bogus: 1 } });
      assert.equal(warned.status, 201);
      assert.equal(warned.headers.warning, '299 - "unknown field \\"bogus\\""');
    });

    it('is 405 for a verb the resource does not serve', async () => {
      assert.equal((await api.request('GET', PODS.replace(/pods$/, 'bindings'))).status, 405);
      assert.equal((await api.request('DELETE', '/api/v1/namespaces/kube-system')).status, 403);
    });
  });

  describe('reads and writes', () => {
    it('creates with 201, answers YAML bodies, and returns Tables to kubectl-style clients', async () => {
      const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n';
      assert.equal((await api.request('POST', PODS, { body: yaml, headers: { 'Content-Type': 'application/yaml' } })).status, 201);
      const table = (await api.request('GET', PODS, { headers: { Accept: TABLE } })).json();
      assert.equal(table.kind, 'Table');
      assert.deepEqual(table.columnDefinitions.slice(0, 5).map((c: { name: string }) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
      assert.equal(table.rows[0].cells[0], 'web');
      assert.equal(table.rows[0].object.kind, 'PartialObjectMetadata');
      assert.deepEqual(table.rows[0].object.metadata.labels, { app: 'web' });
      const full = (await api.request('GET', `${PODS}?includeObject=Object`, { headers: { Accept: TABLE } })).json();
      assert.equal(full.rows[0].object.kind, 'Pod');
    });

    it('binds through pods/{name}/binding with a Success Status, once', async () => {
      await api.request('POST', PODS, { body: aPod('web') });
      const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'pi1' } };
      const res = await api.request('POST', `${PODS}/web/binding`, { body: binding });
      assert.equal(res.status, 201);
      assert.deepEqual(res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      assert.equal((await api.request('POST', PODS.replace(/pods$/, 'bindings'), { body: binding })).status, 409);
    });

    it('deletes with DeleteOptions in the body and answers dry runs without writing', async () => {
      await api.request('POST', PODS, { body: aPod('web') });
      assert.equal((await api.request('DELETE', `${PODS}/web?dryRun=All`)).status, 200);
      assert.equal((await api.request('GET', `${PODS}/web`)).status, 200);
      const res = await api.request('DELETE', `${PODS}/web`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
      assert.equal(res.status, 200);
      assert.equal(res.json<KubeObject>().metadata.name, 'web');
      assert.equal((await api.request('GET', `${PODS}/web`)).status, 404);
    });

    it('deletes a collection by label selector and answers with what it deleted', async () => {
      for (const [name, tier] of [['a', 'front'], ['b', 'back'], ['c', 'front']]) await api.request('POST', PODS, { body: aPod(name, { tier }) });
      const res = await api.request('DELETE', `${PODS}?labelSelector=tier%3Dfront`);
      assert.equal(res.status, 200);
      assert.equal(res.json().kind, 'PodList');
      assert.deepEqual(res.json().items.map((p: Pod) => p.metadata.name), ['a', 'c']);
      assert.deepEqual((await api.request('GET', PODS)).json().items.map((p: Pod) => p.metadata.name), ['b']);
    });

    it('patches with merge, strategic merge and JSON patch content types', async () => {
      await api.request('POST', PODS, { body: aPod('web', { a: '1' }) });
      const merge = await api.request('PATCH', `${PODS}/web`, { body: '{"metadata":{"labels":{"a":null,"b":"2"}}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
      assert.deepEqual(merge.json<Pod>().metadata.labels, { b: '2' });
      const smp = await api.request('PATCH', `${PODS}/web`, { body: '{"spec":{"containers":[{"name":"c","image":"busybox:1.37"}]}}', headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
      assert.equal(smp.json<Pod>().spec.containers[0].image, 'busybox:1.37');
      const jp = await api.request('PATCH', `${PODS}/web`, { body: '[{"op":"add","path":"/metadata/labels/c","value":"3"}]', headers: { 'Content-Type': 'application/json-patch+json' } });
      assert.deepEqual(jp.json<Pod>().metadata.labels, { b: '2', c: '3' });
      const plain = await api.request('PATCH', `${PODS}/web`, { body: '{}', headers: { 'Content-Type': 'application/json' } });
      assert.equal(plain.status, 415);
    });
  });

  describe('watch', () => {
    it('streams changes after the list resourceVersion, filtered by field selector', async () => {
      const rv = (await api.request('GET', PODS)).json().metadata.resourceVersion;
      const w = await openWatch(api, `${PODS}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dweb`);
      try {
        assert.equal(w.status, 200);
        assert.equal(w.headers['content-type'], 'application/json');
        await api.request('POST', PODS, { body: aPod('other') });
        await api.request('POST', PODS, { body: aPod('web') });
        await api.request('PATCH', `${PODS}/web`, { body: '{"metadata":{"labels":{"x":"y"}}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
        await until(() => w.events.length >= 2, { timeoutMs: 5000, describe: () => JSON.stringify(w.events) });
        assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED web', 'MODIFIED web']);
      } finally {
        w.close();
      }
    });

    it('sends one-row Tables with column definitions only in the first event', async () => {
      await api.request('POST', PODS, { body: aPod('a') });
      const w = await openWatch(api, `${PODS}?watch=true`, { Accept: TABLE });
      try {
        await api.request('POST', PODS, { body: aPod('b') });
        await until(() => w.events.length >= 2, { timeoutMs: 5000, describe: () => JSON.stringify(w.events) });
        assert.equal(w.events[0].object.kind, 'Table');
        assert.ok(w.events[0].object.columnDefinitions.length > 0);
        assert.deepEqual(w.events[1].object.columnDefinitions, []);
        assert.equal(w.events[1].object.rows[0].cells[0], 'b');
      } finally {
        w.close();
      }
    });

    it('ends at timeoutSeconds, sends bookmarks when allowed, and releases the etcd watch', async () => {
      const before = watches.count;
      const w = await openWatch(api, `${PODS}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true`);
      await w.ended;
      assert.ok(w.events.some((e) => e.type === 'BOOKMARK' && Number(e.object.metadata.resourceVersion) > 0), JSON.stringify(w.events));
      await until(() => watches.count === before, { timeoutMs: 2000, describe: () => `${watches.count} watches open` });
    });

    it('serves every watch of a resource from one store watch, and releases the watcher when the client goes away', async () => {
      const podsCache = () => api.server.watchCacheStats().find((c) => c.prefix.endsWith('/core/pods/'));
      const before = podsCache()?.watchers ?? 0;
      const storeWatches = watches.count;
      const w = await openWatch(api, PODS.replace('/api/v1/', '/api/v1/watch/'));
      await until(() => podsCache()?.watchers === before + 1, { timeoutMs: 2000 });
      assert.ok(watches.count <= storeWatches + 1, `${watches.count - storeWatches} more store watches`);
      assert.equal(podsCache()?.storeWatchesOpened, 1);
      w.close();
      await until(() => podsCache()?.watchers === before, { timeoutMs: 2000, describe: () => `${podsCache()?.watchers} watchers` });
    });

    it('sends an ERROR event with a 410 Status for a compacted resourceVersion', async () => {
      // endpoints have no watch cache yet: it starts at the requested revision, which etcd no longer has.
      const ENDPOINTS = PODS.replace('/pods', '/endpoints');
      const created = (await api.request('POST', ENDPOINTS, { body: { metadata: { name: 'a' } } })).json<KubeObject>();
      const rv = Number(created.metadata.resourceVersion);
      await api.request('POST', ENDPOINTS, { body: { metadata: { name: 'b' } } });
      await etcd.get().client().kv.compact({ revision: rv + 1, physical: true });
      const w = await openWatch(api, `${ENDPOINTS}?watch=true&resourceVersion=${rv - 1}`);
      await w.ended;
      assert.equal(w.events.length, 1);
      assert.equal(w.events[0].type, 'ERROR');
      assert.equal(w.events[0].object.code, 410);
      assert.match(w.events[0].object.message, /too old resource version/);
    });
  });

  describe('an unexpected failure', () => {
    const logged: string[] = [];
    let failing: ApiServerFixture;
    before(async () => {
      const breakGets = (store: Store): Store => new Proxy(store, {
        get(target, prop, receiver) {
          if (prop !== 'get') return Reflect.get(target, prop, receiver) as unknown;
          return async (key: string) => {
            if (key.endsWith('/boom')) throw new Error('disk on fire');
            return target.get(key);
          };
        },
      });
      failing = await startApiServerFixture(etcd.get(), { wrapStore: breakGets, server: { log: (line) => logged.push(line) } });
    });
    after(async () => failing?.stop());

    it('is a logged 500 Status, and the server goes on serving', async () => {
      const res = await failing.request('GET', '/api/v1/namespaces/default/pods/boom');
      assert.equal(res.status, 500);
      assert.equal(res.json().reason, 'InternalError');
      assert.equal(res.json().message, 'Internal error occurred: disk on fire');
      assert.ok(logged.some((line) => line.includes('disk on fire')), JSON.stringify(logged));
      assert.equal((await failing.request('GET', '/api/v1/namespaces')).status, 200);
    });
  });
});
