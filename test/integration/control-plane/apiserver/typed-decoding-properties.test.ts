/**
 * Properties of the API server under hostile bodies, for every kind it serves: wrong-typed,
 * deeply nested, oversized and alias-bombed bodies all get a 4xx Status, nothing reaches etcd,
 * and the server keeps answering.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { apiVersionOf, type ResourceInfo } from '../../../../control-plane/registry/resource-info';
import { KINDS } from '../../../../control-plane/registry/kinds';
import { decodeFieldType, type DecodedType } from '../../../../control-plane/apiserver/schema/api-definition';
import { K8S_DEFINITIONS, K8S_KINDS } from '../../../../control-plane/apiserver/schema/k8s-definitions';
import { startApiServerFixture, type ApiServerFixture, type HttpResult } from '../../../support/api-server-fixture';
import { withEtcd } from '../../../support/etcd-fixture';

const NS = 'props';
const MAX_PATH_DEPTH = 6;

/** A field somewhere in a kind: the JSON path to it (numbers index lists) and its type. */
interface FieldAt {
  path: (string | number)[];
  type: DecodedType;
}

function collectionUrl(info: ResourceInfo): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : '/api/v1';
  return info.namespaced ? `${base}/namespaces/${NS}/${info.resource}` : `${base}/${info.resource}`;
}

/** Definitions whose members accept any JSON value: nothing there can be wrong-typed. */
function isFreeForm(type: DecodedType): boolean {
  if (type.kind === 'scalar') return type.type === 'object';
  if (type.kind !== 'ref') return false;
  const definition = K8S_DEFINITIONS[type.name];
  return !definition || (!definition.properties && definition.type === 'object');
}

/** Every field of a definition down to MAX_PATH_DEPTH levels, lists and maps stepped into. */
function fieldsOf(definition: string, path: (string | number)[] = [], out: FieldAt[] = []): FieldAt[] {
  const properties = K8S_DEFINITIONS[definition]?.properties ?? {};
  for (const [name, field] of Object.entries(properties)) collect({ path: [...path, name], type: decodeFieldType(field.type) }, out);
  return out;
}

function collect(at: FieldAt, out: FieldAt[]): void {
  if (isFreeForm(at.type) || at.path.length > MAX_PATH_DEPTH) return;
  out.push(at);
  const { type, path } = at;
  if (type.kind === 'array') collect({ path: [...path, 0], type: type.items }, out);
  if (type.kind === 'map') collect({ path: [...path, 'k'], type: type.values }, out);
  if (type.kind === 'ref' && K8S_DEFINITIONS[type.name]?.properties) fieldsOf(type.name, path, out);
}

/** JSON values that no field of `type` accepts (null is every type's zero value, so never). */
function wrongValue(type: DecodedType): fc.Arbitrary<unknown> {
  const text = fc.string({ maxLength: 8 }).filter((s) => !/^\d{4}-/.test(s));
  const fraction = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n));
  const list = fc.array(fc.constantFrom(1, 'x', true), { minLength: 1, maxLength: 3 });
  const object = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.constantFrom(1, 'x'), { minKeys: 1, maxKeys: 3 });
  const kinds = { text, fraction, bool: fc.boolean(), list, object, integer: fc.integer() };
  return fc.oneof(...wrongKinds(type).map((k) => kinds[k]));
}

type ValueKind = 'text' | 'fraction' | 'bool' | 'list' | 'object' | 'integer';

function wrongKinds(type: DecodedType): ValueKind[] {
  if (type.kind === 'array') return ['text', 'integer', 'bool', 'object'];
  if (type.kind === 'map') return ['text', 'integer', 'bool', 'list'];
  if (type.kind === 'ref') return refWrongKinds(type.name);
  if (type.type === 'string') return ['integer', 'bool', 'list', 'object'];
  if (type.type === 'boolean') return ['text', 'integer', 'list', 'object'];
  return ['text', 'fraction', 'bool', 'list', 'object'];
}

function refWrongKinds(name: string): ValueKind[] {
  const definition = K8S_DEFINITIONS[name];
  if (definition?.properties) return ['text', 'integer', 'bool', 'list'];
  if (definition?.format === 'int-or-string') return ['fraction', 'bool', 'list', 'object'];
  if (name.endsWith('.Quantity')) return ['bool', 'list', 'object'];
  return ['integer', 'bool', 'list', 'object'];
}

/** A minimal body of the kind with `value` set at `path` (objects and lists made on the way). */
function bodyWith(info: ResourceInfo, path: (string | number)[], value: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { name: 'prop' } };
  let node: Record<string | number, unknown> = body;
  path.forEach((segment, i) => {
    if (i === path.length - 1) return void (node[segment] = value);
    const next = typeof path[i + 1] === 'number' ? [] : {};
    const existing = node[segment];
    node[segment] = typeof existing === 'object' && existing !== null && Array.isArray(existing) === Array.isArray(next) ? existing : next;
    node = node[segment] as Record<string | number, unknown>;
  });
  return body;
}

/** `depth` levels of lists or objects around 1, as text (JSON.stringify itself would overflow). */
function nestedText(depth: number, asList: boolean): string {
  return asList ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function billionLaughs(levels: number, fan: number, anchor: string): string {
  const names = Array.from({ length: levels }, (_, i) => `${anchor}${i}`);
  const lines = [`${names[0]}: &${names[0]} [${Array(fan).fill('"lol"').join(',')}]`];
  for (let i = 1; i < levels; i++) lines.push(`${names[i]}: &${names[i]} [${Array(fan).fill(`*${names[i - 1]}`).join(',')}]`);
  return lines.join('\n');
}

describe('hostile bodies for every served kind (real etcd, fast-check)', function () {
  this.timeout(60_000);
  const etcd = withEtcd();
  let api: ApiServerFixture;
  const served = KINDS.filter((info) => info.verbs.includes('create') && K8S_KINDS[`${apiVersionOf(info)}/${info.kind}`]);

  before(async () => {
    api = await startApiServerFixture(etcd.get());
    assert.equal((await api.request('POST', '/api/v1/namespaces', { body: { metadata: { name: NS } } })).status, 201);
  });
  after(async () => api?.stop());

  /** Keys in this server's key space: nothing refused may add one. */
  async function storedKeys(): Promise<number> {
    return etcd.get().client().getAll().prefix(`${api.keySpace.prefix}/`).count();
  }

  async function assertRefused(res: HttpResult, codes: readonly number[]): Promise<void> {
    assert.ok(codes.includes(res.status), `expected one of ${codes.join(', ')}, got ${res.status}: ${res.text.slice(0, 300)}`);
    const status = res.json();
    assert.equal(status.kind, 'Status');
    assert.equal(status.status, 'Failure');
    assert.equal(status.code, res.status);
  }

  async function assertAlive(): Promise<void> {
    assert.equal((await api.request('GET', '/readyz')).status, 200);
  }

  it('answers a wrong JSON type anywhere in any kind with a 400 Status naming the field, storing nothing', async () => {
    const before = await storedKeys();
    const cases = served.flatMap((info) => fieldsOf(K8S_KINDS[`${apiVersionOf(info)}/${info.kind}`] ?? '').map((at) => ({ info, at })));
    const arbitrary = fc.constantFrom(...cases).chain(({ info, at }) => wrongValue(at.type).map((value) => ({ info, at, value })));
    await fc.assert(fc.asyncProperty(arbitrary, async ({ info, at, value }) => {
      const res = await api.request('POST', collectionUrl(info), { body: bodyWith(info, at.path, value) });
      await assertRefused(res, [400]);
      const message = res.json().message as string;
      // encoding/json names the path by field names only: no list indices, no map keys ('k' here).
      const goPath = at.path.filter((s) => typeof s === 'string' && s !== 'k').join('.');
      if (message.includes('Go struct field')) assert.ok(message.includes(`.${goPath} of type `), `${message} should name ${goPath}`);
    }), { numRuns: 400 });
    assert.equal(await storedKeys(), before);
    await assertAlive();
  });

  it('answers a wrong-typed merge, strategic merge or apply patch of a pod with a 4xx Status, changing nothing', async () => {
    const pods = collectionUrl(served.find((info) => info.kind === 'Pod') as ResourceInfo);
    const created = await api.request('POST', pods, { body: { metadata: { name: 'patched' }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } } });
    assert.equal(created.status, 201, created.text);
    const version = created.json().metadata.resourceVersion as string;
    const pod = served.find((info) => info.kind === 'Pod') as ResourceInfo;
    const fields = fieldsOf('io.k8s.api.core.v1.Pod').filter((at) => at.path[0] === 'spec' || at.path[0] === 'metadata');
    const types = ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
    const arbitrary = fc.constantFrom(...fields).chain((at) => fc.record({ at: fc.constant(at), value: wrongValue(at.type), type: fc.constantFrom(...types) }));
    await fc.assert(fc.asyncProperty(arbitrary, async ({ at, value, type }) => {
      const patch = bodyWith(pod, at.path, value);
      const metadata = patch.metadata as Record<string, unknown>;
      if (metadata.name === 'prop') metadata.name = 'patched';
      const res = await api.request('PATCH', `${pods}/patched?fieldManager=props`, { body: JSON.stringify(patch), headers: { 'Content-Type': type } });
      await assertRefused(res, [400, 422]);
    }), { numRuns: 150 });
    assert.equal((await api.request('GET', `${pods}/patched`)).json().metadata.resourceVersion, version);
    await assertAlive();
  });

  it('answers nesting past the bound, anywhere, in JSON or YAML, with a 400 Status', async () => {
    const before = await storedKeys();
    const arbitrary = fc.record({
      info: fc.constantFrom(...served), depth: fc.integer({ min: 513, max: 20_000 }), asList: fc.boolean(),
      field: fc.constantFrom(['metadata', 'annotations'], ['spec'], ['x'], ['metadata', 'labels', 'l']), yaml: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(arbitrary, async ({ info, depth, asList, field, yaml }) => {
      const text = JSON.stringify(bodyWith(info, [...field], 'DEEP')).replace('"DEEP"', nestedText(depth, asList));
      const res = await api.request('POST', collectionUrl(info), { body: yaml ? `# yaml\n${text}` : text, headers: { 'Content-Type': yaml ? 'application/yaml' : 'application/json' } });
      await assertRefused(res, [400]);
    }), { numRuns: 40 });
    assert.equal(await storedKeys(), before);
    await assertAlive();
  });

  it('answers alias bombs of any shape with a 4xx Status, quickly', async () => {
    const before = await storedKeys();
    const arbitrary = fc.record({ info: fc.constantFrom(...served), levels: fc.integer({ min: 4, max: 12 }), fan: fc.integer({ min: 4, max: 12 }), anchor: fc.constantFrom('a', 'lol', 'x_') });
    await fc.assert(fc.asyncProperty(arbitrary, async ({ info, levels, fan, anchor }) => {
      const started = Date.now();
      const res = await api.request('POST', collectionUrl(info), { body: billionLaughs(levels, fan, anchor), headers: { 'Content-Type': 'application/yaml' } });
      await assertRefused(res, [400, 422]);
      assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
    }), { numRuns: 30 });
    assert.equal(await storedKeys(), before);
    await assertAlive();
  });

  it('answers bodies past the size cap with 413 and wide bodies of unknown fields without storing them', async () => {
    const before = await storedKeys();
    await fc.assert(fc.asyncProperty(fc.constantFrom(...served), fc.integer({ min: 1, max: 1024 }), async (info, extra) => {
      const padding = 'x'.repeat(3 * 1024 * 1024 + extra);
      await assertRefused(await api.request('POST', collectionUrl(info), { body: { metadata: { name: 'huge', annotations: { a: padding } } } }), [413]);
    }), { numRuns: 4 });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...served), fc.integer({ min: 1_000, max: 20_000 }), async (info, width) => {
      const unknown = Object.fromEntries(Array.from({ length: width }, (_, i) => [`u${i}`, i]));
      const res = await api.request('POST', `${collectionUrl(info)}?fieldValidation=Strict`, { body: { ...bodyWith(info, ['spec'], unknown), metadata: { name: 'wide' } } });
      await assertRefused(res, [400]);
    }), { numRuns: 6 });
    assert.equal(await storedKeys(), before);
    await assertAlive();
  });
});
