import { strict as assert } from 'node:assert';
import type { Pod } from '../../../../api/core-v1';
import { storedObjectCheck } from '../../../../control-plane/apiserver/stored-object-check';
import { Informer } from '../../../../control-plane/store/informer';
import { resourcePrefix } from '../../../../control-plane/store/keys';
import { until } from '../../../../scripts/cluster/wait-until';
import { startApiServerFixture, type ApiServerFixture, type HttpResult } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const YAML_HEADERS = { 'Content-Type': 'application/yaml' };

function aPod(name: string, container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', ...container }], ...spec } };
}

function warningsOf(res: HttpResult): string[] {
  const header = res.headers.warning;
  return header === undefined ? [] : Array.isArray(header) ? header : header.split(/,(?=\s*299 )/).map((w) => w.trim());
}

function assertStatus(res: HttpResult, code: number, message: string | RegExp): void {
  assert.equal(res.status, code, res.text);
  const status = res.json();
  assert.equal(status.kind, 'Status');
  assert.equal(status.code, code);
  if (typeof message === 'string') assert.equal(status.message, message);
  else assert.match(status.message as string, message);
}

describe('typed decoding at the API server (real etcd)', function () {
  this.timeout(30_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  let PODS: string;
  let NS: string;
  let tests = 0;

  before(async () => {
    api = await startApiServerFixture(etcd.get());
  });
  after(async () => api?.stop());
  beforeEach(async () => {
    NS = `typed${++tests}`;
    assert.equal((await api.request('POST', '/api/v1/namespaces', { body: { metadata: { name: NS } } })).status, 201);
    PODS = `/api/v1/namespaces/${NS}/pods`;
  });

  /** The raw JSON etcd holds under a key of this test's key space, or undefined. */
  async function stored(resource: { group: string; resource: string; namespaced: boolean }, name: string): Promise<Record<string, unknown> | undefined> {
    const key = `${resourcePrefix(api.keySpace, resource, resource.namespaced ? NS : undefined)}${name}`;
    const value = await etcd.get().client().get(key).string();
    return value === null ? undefined : (JSON.parse(value) as Record<string, unknown>);
  }
  const POD_RESOURCE = { group: '', resource: 'pods', namespaced: true };

  it('refuses the Node whose string addresses crashed readers, and stores nothing', async () => {
    const res = await api.request('POST', '/api/v1/nodes', { body: { metadata: { name: 'n-crash' }, status: { addresses: 'x' } } });
    assertStatus(res, 400, 'Node in version "v1" cannot be handled as a Node: json: cannot unmarshal string into Go struct field NodeStatus.status.addresses of type []v1.NodeAddress');
    assert.equal(res.json().reason, 'BadRequest');
    assert.equal(await stored({ group: '', resource: 'nodes', namespaced: false }, 'n-crash'), undefined);
    assert.equal((await api.request('GET', '/api/v1/nodes')).status, 200);
  });

  describe('refuses wrong JSON types with 400 naming the field, storing nothing', () => {
    const cases: [string, string, string][] = [
      ['a string grace period', JSON.stringify(aPod('w1', {}, { terminationGracePeriodSeconds: 'soon' })), 'json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64'],
      ['a string command', JSON.stringify(aPod('w2', { command: 'sleep 30' })), 'json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string'],
      ['a number label value', '{"metadata":{"name":"w3","labels":{"a":1}},"spec":{"containers":[{"name":"c","image":"i"}]}}', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
      ['spec true', '{"metadata":{"name":"w4"},"spec":true}', 'json: cannot unmarshal bool into Go struct field Pod.spec of type v1.PodSpec'],
      ['a number image', JSON.stringify(aPod('w5', { image: 5 })), 'json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string'],
      ['ports as an object', JSON.stringify(aPod('w6', { ports: { a: 1 } })), 'json: cannot unmarshal object into Go struct field Container.spec.containers.ports of type []v1.ContainerPort'],
      ['a number finalizer', '{"metadata":{"name":"w7","finalizers":[5]},"spec":{"containers":[{"name":"c","image":"i"}]}}', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type string'],
      ['a name of 1e999', '{"metadata":{"name":1e999},"spec":{"containers":[{"name":"c","image":"i"}]}}', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string'],
    ];
    for (const [name, body, message] of cases) {
      it(name, async () => {
        const res = await api.request('POST', PODS, { body, headers: JSON_HEADERS });
        assertStatus(res, 400, `Pod in version "v1" cannot be handled as a Pod: ${message}`);
        assert.equal((await api.request('GET', PODS)).json().items.length, 0);
      });
    }
  });

  it('shows kubectl the wrong type as Kubernetes words it', async () => {
    const manifest = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: k\n  namespace: ${NS}\nspec:\n  terminationGracePeriodSeconds: soon\n  containers:\n  - name: c\n    image: busybox:1.36\n`;
    const result = await api.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Error from server \(BadRequest\): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec\.spec\.terminationGracePeriodSeconds of type int64/);
  });

  it('drops unknown fields from what is stored: warned about by default, silently on Ignore, refused on Strict', async () => {
    const body = { ...aPod('warned', { imagee: 'typo' }, { foo: { bar: 1 } }), extra: true };
    const warned = await api.request('POST', PODS, { body });
    assert.equal(warned.status, 201, warned.text);
    assert.deepEqual(warningsOf(warned).sort(), ['299 - "unknown field \\"extra\\""', '299 - "unknown field \\"spec.containers[0].imagee\\""', '299 - "unknown field \\"spec.foo\\""']);
    const raw = await stored(POD_RESOURCE, 'warned');
    assert.ok(raw && !('extra' in raw));
    const spec = raw.spec as { foo?: unknown; containers: Record<string, unknown>[] };
    assert.equal(spec.foo, undefined);
    assert.equal(spec.containers[0]?.imagee, undefined);
    const ignored = await api.request('POST', `${PODS}?fieldValidation=Ignore`, { body: { ...body, metadata: { name: 'ignored' } } });
    assert.equal(ignored.status, 201);
    assert.deepEqual(warningsOf(ignored), []);
    assert.equal((await stored(POD_RESOURCE, 'ignored'))?.extra, undefined);
    const strict = await api.request('POST', `${PODS}?fieldValidation=Strict`, { body: { ...body, metadata: { name: 'strict' } } });
    assertStatus(strict, 400, /^Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers\[0\].imagee", unknown field "spec.foo", unknown field "extra"$/);
  });

  it('refuses duplicate JSON and YAML keys on Strict and warns about them otherwise', async () => {
    const json = '{"metadata":{"name":"dup","name":"dup"},"spec":{"containers":[{"name":"c","image":"i"}]}}';
    assertStatus(await api.request('POST', `${PODS}?fieldValidation=Strict`, { body: json, headers: JSON_HEADERS }), 400,
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "metadata.name"');
    const yaml = 'metadata:\n  name: dupy\n  name: dupy\nspec:\n  containers:\n  - {name: c, image: i}\n';
    assertStatus(await api.request('POST', `${PODS}?fieldValidation=Strict`, { body: yaml, headers: YAML_HEADERS }), 400,
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: error converting YAML to JSON: yaml: unmarshal errors:\n  line 3: key "name" already set in map');
    const warned = await api.request('POST', PODS, { body: json, headers: JSON_HEADERS });
    assert.equal(warned.status, 201);
    assert.deepEqual(warningsOf(warned), ['299 - "duplicate field \\"metadata.name\\""']);
  });

  it('answers a YAML billion laughs with 400 in well under 100 ms', async () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
    ].join('\n');
    await api.request('GET', PODS); // a warm connection path
    const started = process.hrtime.bigint();
    const res = await api.request('POST', PODS, { body: bomb, headers: YAML_HEADERS });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assertStatus(res, 400, 'error converting YAML to JSON: yaml: document contains excessive aliasing');
    assert.ok(ms < 100, `answered in ${ms} ms`);
  });

  it('answers deep nesting with 400 at once, in JSON and YAML', async () => {
    const started = Date.now();
    assertStatus(await api.request('POST', PODS, { body: `{"metadata":${'['.repeat(100_000)}`, headers: JSON_HEADERS }), 400, /^couldn't get version\/kind; json parse error: exceeded max depth of 512$/);
    assertStatus(await api.request('POST', PODS, { body: `metadata: ${'['.repeat(100_000)}`, headers: YAML_HEADERS }), 400, /^error converting YAML to JSON: yaml: exceeded max depth of 512$/);
    const deepAnnotation = `{"metadata":{"name":"deep","labels":${'{"a":'.repeat(600)}1${'}'.repeat(600)}},"spec":{"containers":[]}}`;
    assertStatus(await api.request('POST', PODS, { body: deepAnnotation, headers: JSON_HEADERS }), 400, /exceeded max depth/);
    assert.ok(Date.now() - started < 2_000);
    assert.equal((await api.request('GET', '/readyz')).status, 200);
  });

  it('answers a YAML body of countless tiny nodes with 400 within a second', async () => {
    const started = Date.now();
    const res = await api.request('POST', PODS, { body: `metadata: {name: many}\nspec: [${'1,'.repeat(1_400_000)}1]\n`, headers: YAML_HEADERS });
    assertStatus(res, 400, 'error converting YAML to JSON: yaml: document has more than 200000 tokens');
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  });

  it('sends a Warning header for an unknown field whose name is not Latin-1', async () => {
    const res = await api.request('POST', PODS, { body: '{"metadata":{"name":"emoji"},"spec":{"containers":[{"name":"c","image":"i"}],"caf\u00e9\u{1F600}\\n":1}}', headers: JSON_HEADERS });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(warningsOf(res), ['299 - "unknown field \\"spec.caf\\u00e9\\ud83d\\ude00\\\\n\\""']);
  });

  it('checks every patch type\'s result: a wrong type is 422 on the field patch, unknown fields are dropped', async () => {
    assert.equal((await api.request('POST', PODS, { body: aPod('p') })).status, 201);
    const merge = await api.request('PATCH', `${PODS}/p`, { body: '{"spec":{"containers":"none"}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    assertStatus(merge, 422, /^ "" is invalid: patch: Invalid value: ".*": json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type \[\]v1.Container$/);
    assert.equal(merge.json().details.causes[0].field, 'patch');
    const json = await api.request('PATCH', `${PODS}/p`, { body: '[{"op":"add","path":"/metadata/labels","value":{"a":1}}]', headers: { 'Content-Type': 'application/json-patch+json' } });
    assertStatus(json, 422, /cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string$/);
    const smp = await api.request('PATCH', `${PODS}/p`, { body: '{"metadata":{"labels":{"ok":"yes"}},"spec":{"foo":1}}', headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    assert.equal(smp.status, 200, smp.text);
    assert.deepEqual(warningsOf(smp), ['299 - "unknown field \\"spec.foo\\""']);
    assert.equal(((await stored(POD_RESOURCE, 'p'))?.spec as Record<string, unknown>).foo, undefined);
    const strict = await api.request('PATCH', `${PODS}/p?fieldValidation=Strict`, { body: '{"spec":{"foo":1}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    assertStatus(strict, 422, /patch: Invalid value: ".*": strict decoding error: unknown field "spec.foo"$/);
    const apply = await api.request('PATCH', `${PODS}/p?fieldManager=t`, { body: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"activeDeadlineSeconds":"x"}}', headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    assertStatus(apply, 400, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64');
  });

  it('checks the status, binding and finalize subresources', async () => {
    const created = (await api.request('POST', PODS, { body: aPod('s') })).json<Pod>();
    const status = await api.request('PUT', `${PODS}/s/status`, { body: { ...created, status: { phase: 5 } } });
    assertStatus(status, 400, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field PodStatus.status.phase of type string');
    const statusPatch = await api.request('PATCH', `${PODS}/s/status`, { body: '{"status":{"conditions":"x"}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    assertStatus(statusPatch, 422, /PodStatus.status.conditions of type \[\]v1.PodCondition$/);
    const binding = await api.request('POST', `${PODS}/s/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 's' }, target: { kind: 'Node', name: 7 } } });
    assertStatus(binding, 400, 'Binding in version "v1" cannot be handled as a Binding: json: cannot unmarshal number into Go struct field ObjectReference.target.name of type string');
    const finalize = await api.request('PUT', `/api/v1/namespaces/${NS}/finalize`, { body: { metadata: { name: NS }, spec: { finalizers: [5] } } });
    assertStatus(finalize, 400, 'Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal number into Go struct field NamespaceSpec.spec.finalizers of type string');
    const deleted = await api.request('DELETE', `${PODS}/s`, { body: { gracePeriodSeconds: 'now' } });
    assertStatus(deleted, 400, 'DeleteOptions in version "v1" cannot be handled as a DeleteOptions: json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64');
    const pod = (await api.request('GET', `${PODS}/s`)).json<Pod>();
    assert.equal(pod.spec.nodeName, undefined);
    assert.equal(pod.status?.phase, 'Pending');
  });

  it('skips an object stored in etcd with wrong types: informers log it, LIST leaves it out, GET is a 500 Status', async () => {
    assert.equal((await api.request('POST', PODS, { body: aPod('good') })).status, 201);
    const key = `${resourcePrefix(api.keySpace, POD_RESOURCE, NS)}legacy`;
    await etcd.get().client().put(key).value(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'legacy', namespace: NS }, spec: { containers: 'sleep' } }));
    const logs: string[] = [];
    const store = etcd.get().store({ checkObject: storedObjectCheck(api.keySpace), log: (m) => logs.push(m) });
    const informer = new Informer<Pod>(store, resourcePrefix(api.keySpace, POD_RESOURCE, NS), { log: (m) => logs.push(m) });
    informer.start();
    try {
      await informer.whenSynced();
      assert.deepEqual(informer.list().map((p) => p.metadata.name), ['good']);
      assert.ok(logs.some((m) => m.includes(key) && m.includes('not a valid Pod')), logs.join('\n'));
      await etcd.get().client().put(key).value(JSON.stringify({ metadata: { name: 'legacy', namespace: NS }, spec: { containers: [{ name: 5 }] } }));
      await until(() => logs.filter((m) => m.includes(key)).length >= 2, { timeoutMs: 5_000 });
      assert.deepEqual(informer.list().map((p) => p.metadata.name), ['good']);
    } finally {
      informer.dispose();
    }
    const list = await api.request('GET', PODS);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json().items.map((p: Pod) => p.metadata.name), ['good']);
    const get = await api.request('GET', `${PODS}/legacy`);
    assertStatus(get, 500, /^Internal error occurred: the stored value of .*legacy cannot be decoded: not a valid Pod: /);
  });
});
