import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { copyFreeForm, decodeTyped, MAX_NESTING_DEPTH, TypedDecodeError } from '../../../../../control-plane/apiserver/schema/typed-decoder';

const POD = 'io.k8s.api.core.v1.Pod';
const NODE = 'io.k8s.api.core.v1.Node';
const SECRET = 'io.k8s.api.core.v1.Secret';
const EVENT = 'io.k8s.api.core.v1.Event';
const REVISION = 'io.k8s.api.apps.v1.ControllerRevision';

function aPod(container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = { name: 'p' }): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'c', image: 'i', ...container }], ...spec } };
}

function decodeError(definition: string, value: unknown): string {
  try {
    decodeTyped(definition, value);
  } catch (err: unknown) {
    assert.ok(err instanceof TypedDecodeError, String(err));
    return err.message;
  }
  assert.fail('decoded without an error');
}

const CANNOT = 'json: cannot unmarshal';

describe('typed decoding', () => {
  describe('refuses a wrong JSON type with encoding/json\'s message, innermost struct and path', () => {
    const cases: [string, string, unknown, string][] = [
      ['a string for an int64', POD, aPod({}, { terminationGracePeriodSeconds: 'soon' }), `${CANNOT} string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64`],
      ['a string for a list of strings', POD, aPod({ command: 'sleep 30' }), `${CANNOT} string into Go struct field Container.spec.containers.command of type []string`],
      ['a number as a label value', POD, aPod({}, {}, { name: 'p', labels: { a: 5 } }), `${CANNOT} number into Go struct field ObjectMeta.metadata.labels of type string`],
      ['a bool for a struct', POD, { metadata: {}, spec: true }, `${CANNOT} bool into Go struct field Pod.spec of type v1.PodSpec`],
      ['a number for a string', POD, aPod({ image: 5 }), `${CANNOT} number into Go struct field Container.spec.containers.image of type string`],
      ['an object for a list of structs', POD, aPod({ ports: { a: 1 } }), `${CANNOT} object into Go struct field Container.spec.containers.ports of type []v1.ContainerPort`],
      ['a number in a list of strings', POD, aPod({}, {}, { name: 'p', finalizers: [5] }), `${CANNOT} number into Go struct field ObjectMeta.metadata.finalizers of type string`],
      ['1e999 (Infinity) for a string', POD, aPod({}, {}, { name: Infinity }), `${CANNOT} number into Go struct field ObjectMeta.metadata.name of type string`],
      ['a fraction for an int32', POD, aPod({ ports: [{ containerPort: 1.5 }] }), `${CANNOT} number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`],
      ['an int32 out of range', POD, aPod({ ports: [{ containerPort: 2 ** 31 }] }), `${CANNOT} number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`],
      ['an int64 beyond 2^53', POD, aPod({}, { activeDeadlineSeconds: 2 ** 60 }), `${CANNOT} number ${2 ** 60} into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64`],
      ['a string for a bool', POD, aPod({ stdin: 'yes' }), `${CANNOT} string into Go struct field Container.spec.containers.stdin of type bool`],
      ['an array for a map', POD, aPod({}, { nodeSelector: ['a'] }), `${CANNOT} array into Go struct field PodSpec.spec.nodeSelector of type map[string]string`],
      ['a string for a list of addresses (the Node crash)', NODE, { metadata: { name: 'n' }, status: { addresses: 'x' } }, `${CANNOT} string into Go struct field NodeStatus.status.addresses of type []v1.NodeAddress`],
      ['a number for []byte', SECRET, { metadata: {}, data: { k: 5 } }, `${CANNOT} number into Go struct field Secret.data of type []uint8`],
      ['a bool for an IntOrString', POD, aPod({ livenessProbe: { httpGet: { port: true } } }), `${CANNOT} bool into Go value of type int32`],
      ['a fraction for an IntOrString', POD, aPod({ livenessProbe: { httpGet: { port: 80.5 } } }), `${CANNOT} number 80.5 into Go value of type int32`],
      ['a number for a Time', POD, aPod({}, {}, { name: 'p', creationTimestamp: 5 }), `${CANNOT} number into Go value of type string`],
      ['a bool for a Quantity', POD, aPod({ resources: { limits: { cpu: true } } }), /^quantities must match the regular expression/.source],
      ['1e999 in a free-form value', REVISION, { metadata: {}, revision: 1, data: { a: [Infinity] } }, `${CANNOT} number 1e999 into Go value of type float64`],
    ];
    for (const [name, definition, value, message] of cases) {
      it(name, () => assert.match(decodeError(definition, value), new RegExp(message.startsWith('^') ? message : `^${escape(message)}$`)));
    }
  });

  it('refuses a Time that is not RFC 3339, as time.Parse words it', () => {
    assert.equal(decodeError(POD, aPod({}, {}, { creationTimestamp: 'yesterday' })), 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"');
    assert.doesNotThrow(() => decodeTyped(POD, aPod({}, {}, { creationTimestamp: '2026-12-07T04:23:03.123Z' })));
    assert.doesNotThrow(() => decodeTyped(EVENT, { metadata: {}, involvedObject: {}, eventTime: '2026-12-07T04:23:03.123456+01:00' }));
  });

  it('refuses []byte that is not standard base64', () => {
    assert.equal(decodeError(SECRET, { metadata: {}, data: { k: 'no spaces' } }), 'illegal base64 data at input byte 2');
    assert.deepEqual(decodeTyped(SECRET, { metadata: {}, data: { k: 'aGk=' } }).value.data, { k: 'aGk=' });
  });

  it('accepts the special scalars in each of their forms', () => {
    const pod = aPod({
      resources: { limits: { cpu: '100m', memory: 1024 }, requests: { cpu: 0.5 } },
      livenessProbe: { httpGet: { port: 'http' }, tcpSocket: { port: 8080 } },
    }, { activeDeadlineSeconds: Number.MAX_SAFE_INTEGER, overhead: { cpu: 2 } }, { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ fieldsV1: { 'f:a': {} } }] });
    const out = decodeTyped(POD, pod).value as { spec: { containers: { resources: unknown }[]; overhead: unknown } };
    assert.deepEqual(out.spec.containers[0]?.resources, { limits: { cpu: '100m', memory: '1024' }, requests: { cpu: '500m' } });
    assert.deepEqual(out.spec.overhead, { cpu: '2' });
    assert.deepEqual(decodeTyped(REVISION, { metadata: {}, revision: 2, data: { any: ['thing', 1, null, { x: true }] } }).value.data, { any: ['thing', 1, null, { x: true }] });
  });

  it('treats null as Go does: absent field, zero list item or map value', () => {
    const out = decodeTyped(POD, { metadata: { name: 'p', labels: { a: null }, annotations: null }, spec: { containers: [null], nodeName: null, tolerations: null } });
    assert.deepEqual(out.value, { metadata: { name: 'p', labels: { a: '' } }, spec: { containers: [{}] } });
  });

  it('drops undeclared members, reporting their paths', () => {
    const pod = { ...aPod({ imagee: 'typo' }, { foo: { deep: [1] } }, { name: 'p', colour: 'red' }), extra: 1 };
    const out = decodeTyped(POD, pod);
    assert.deepEqual(out.unknownFields, ['metadata.colour', 'spec.containers[0].imagee', 'spec.foo', 'extra']);
    assert.deepEqual(out.value, aPod());
  });

  it('returns a copy that shares nothing with its input', () => {
    const pod = aPod({}, {}, { name: 'p', labels: { a: 'b' } });
    const out = decodeTyped(POD, pod).value as { metadata: { labels: Record<string, string> } };
    out.metadata.labels.a = 'changed';
    assert.equal((pod.metadata as { labels: Record<string, string> }).labels.a, 'b');
  });

  it('keeps a map key named __proto__ as data, not as a prototype', () => {
    const pod = JSON.parse('{"metadata":{"labels":{"__proto__":"x"}},"spec":{"containers":[]}}') as unknown;
    const labels = (decodeTyped(POD, pod).value as { metadata: { labels: object } }).metadata.labels;
    assert.deepEqual(Object.keys(labels), ['__proto__']);
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  });

  it('refuses nesting deeper than the bound in free-form values, without exhausting the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.throws(() => decodeTyped(REVISION, { metadata: {}, revision: 1, data: deep }), (err: unknown) => err instanceof TypedDecodeError && err.tooDeep);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_NESTING_DEPTH - 5; i++) ok = [ok];
    assert.doesNotThrow(() => copyFreeForm(ok));
  });

  it('never throws anything but TypedDecodeError, whatever the value (property)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }), (spec, metadata) => {
      try {
        decodeTyped(POD, { metadata, spec });
      } catch (err: unknown) {
        if (!(err instanceof TypedDecodeError)) throw err;
      }
    }), { numRuns: 300 });
  });

  it('is idempotent: decoding its own output changes nothing (property)', () => {
    fc.assert(fc.property(fc.record({ name: fc.string(), labels: fc.dictionary(fc.string(), fc.string()) }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (metadata, port) => {
      const once = decodeTyped(POD, aPod({ ports: [{ containerPort: port }] }, {}, metadata)).value;
      assert.deepEqual(decodeTyped(POD, once).value, once);
    }), { numRuns: 200 });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
