import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { QUANTITY_FORMAT_MESSAGE } from '../../../../../api/quantity';
import { decodeMessage } from '../../../../../control-plane/apiserver/protobuf/decode-message';
import { encodeMessage, lengthDelimited, tag, varint, type EncodeOptions, protobufErrorOf } from '../../../../support/protobuf-encoder';

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

type Json = Record<string, unknown>;

function roundTrip(message: string, object: Json, options: EncodeOptions = {}): Json {
  return decodeMessage(message, encodeMessage(message, object, options));
}


/** A pod using inlined structs, pointers, IntOrString, Quantity, Time, maps and repeated fields. */
function aFullPod(): Json {
  return {
    metadata: {
      name: 'web-0', namespace: 'shop', labels: { app: 'web', tier: 'front' }, annotations: { note: 'a=b' },
      creationTimestamp: '2024-05-06T07:08:09Z', generation: 3, finalizers: ['example.com/keep'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      volumes: [{ name: 'cfg', configMap: { name: 'app', items: [{ key: 'a', path: 'b' }], defaultMode: 420 } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
      containers: [{
        name: 'main', image: 'nginx:1.27', command: ['nginx'], args: ['-g', 'daemon off;'],
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'MODE', value: 'prod' }, { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
        resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '100m' } },
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/app', readOnly: true }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10 },
        readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 3 },
        imagePullPolicy: 'IfNotPresent',
      }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 0, nodeSelector: { disk: 'ssd' },
      securityContext: { runAsUser: 1000, supplementalGroups: [5, 6] },
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: { phase: 'Running', podIP: '10.42.0.5', startTime: '2024-05-06T07:08:10Z' },
  };
}

describe('decoding protobuf messages into the JSON Go writes', () => {
  it('leaves out the zero-valued omitempty scalars that Go marshallers write', () => {
    const decoded = roundTrip(`${CORE}.Namespace`, { metadata: { name: 'foo' } }, { writeZeros: true });
    assert.deepEqual(decoded, { metadata: { name: 'foo' }, spec: {}, status: {} });
  });

  it('keeps a pointer field set to zero, and leaves out an absent one', () => {
    const decoded = roundTrip('io.k8s.api.apps.v1.DeploymentSpec', { replicas: 0, template: {}, selector: {} }, { writeZeros: true });
    assert.equal(decoded.replicas, 0);
    assert.equal('revisionHistoryLimit' in decoded, false);
  });

  it('gives a non-pointer field the message leaves out its Go zero value, as encoding/json writes it', () => {
    const decoded = roundTrip(`${CORE}.Container`, { image: 'busybox' });
    assert.deepEqual(decoded, { name: '', image: 'busybox', resources: {} });
    assert.deepEqual(roundTrip(`${CORE}.ContainerPort`, {}), { containerPort: 0 });
  });

  it('round-trips a pod through inlined structs, pointers, maps and the special scalar messages', () => {
    assert.deepEqual(roundTrip(`${CORE}.Pod`, aFullPod()), aFullPod());
  });

  it('decodes what Go marshallers write for that pod to the same JSON', () => {
    assert.deepEqual(roundTrip(`${CORE}.Pod`, aFullPod(), { writeZeros: true }), roundTrip(`${CORE}.Pod`, aFullPod()));
  });

  it('writes []byte as base64, whatever the bytes', () => {
    const data = { bin: Buffer.from([0, 255, 128, 10]).toString('base64'), empty: '' };
    assert.deepEqual(roundTrip(`${CORE}.Secret`, { metadata: { name: 's' }, data, type: 'Opaque' }).data, data);
  });

  it('reads IntOrString as a number or a string', () => {
    const ports = [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'web', port: 81, targetPort: 'http', protocol: 'TCP' }];
    assert.deepEqual((roundTrip(`${CORE}.ServiceSpec`, { ports }).ports as Json[]).map((p) => p.targetPort), [8080, 'http']);
    const impossible = Buffer.concat([tag(1, 0), varint(7)]);
    assert.equal(protobufErrorOf(() => decodeMessage(`${CORE}.ServicePort`, lengthDelimited(4, impossible))), 'impossible IntOrString.Type');
  });

  it('parses quantities as Kubernetes does, refusing malformed ones', () => {
    const limits = (q: string): Buffer => lengthDelimited(1, Buffer.concat([lengthDelimited(1, Buffer.from('cpu')), lengthDelimited(2, lengthDelimited(1, Buffer.from(q)))]));
    assert.deepEqual(decodeMessage(`${CORE}.ResourceRequirements`, limits('0.5')).limits, { cpu: '500m' });
    assert.equal(protobufErrorOf(() => decodeMessage(`${CORE}.ResourceRequirements`, limits('five'))), QUANTITY_FORMAT_MESSAGE);
  });

  it('writes Time in whole seconds, MicroTime with microseconds, and drops zero times', () => {
    const lease = { holderIdentity: 'n1', acquireTime: '2024-05-06T07:08:09.123456Z', renewTime: '1970-01-01T00:00:00.000001Z' };
    assert.deepEqual(roundTrip('io.k8s.api.coordination.v1.LeaseSpec', lease), lease);
    const withNanos = Buffer.concat([tag(1, 0), varint(1715000000), tag(2, 0), varint(999_999_999)]);
    assert.equal(decodeMessage(`${META}.ObjectMeta`, lengthDelimited(8, withNanos)).creationTimestamp, '2024-05-06T12:53:20Z');
    assert.equal(decodeMessage('io.k8s.api.coordination.v1.LeaseSpec', lengthDelimited(3, withNanos)).acquireTime, '2024-05-06T12:53:20.999999Z');
    assert.deepEqual(decodeMessage(`${META}.ObjectMeta`, lengthDelimited(8, Buffer.alloc(0))), {});
  });

  it('carries RawExtension and FieldsV1 JSON as it is', () => {
    const revision = { metadata: { name: 'r' }, data: { spec: { template: { a: [1, 'x'] } } }, revision: 2 };
    assert.deepEqual(roundTrip('io.k8s.api.apps.v1.ControllerRevision', revision), revision);
    assert.match(protobufErrorOf(() => decodeMessage('io.k8s.api.apps.v1.ControllerRevision', lengthDelimited(2, lengthDelimited(1, Buffer.from('{'))))), /^RawExtension does not hold JSON/);
  });

  it('reads repeated numbers packed or not', () => {
    const context = { supplementalGroups: [1, 2, -3] };
    assert.deepEqual(roundTrip(`${CORE}.PodSecurityContext`, context), context);
    assert.deepEqual(roundTrip(`${CORE}.PodSecurityContext`, context, { packed: true }), context);
  });

  it('reads named slices (ExtraValue) as plain lists', () => {
    const spec = { user: 'alice', extra: { scopes: ['a', 'b'], none: [] }, resourceAttributes: { verb: 'get', resource: 'pods' } };
    assert.deepEqual(roundTrip('io.k8s.api.authorization.v1.SubjectAccessReviewSpec', spec), spec);
  });

  it('keeps any map key as an own member, __proto__ included', () => {
    const labels = JSON.parse('{"__proto__":"x","a":""}') as Record<string, string>;
    const decoded = roundTrip(`${META}.ObjectMeta`, { labels }).labels as Record<string, string>;
    assert.deepEqual(Object.entries(decoded), [['__proto__', 'x'], ['a', '']]);
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  });

  it('merges repeated occurrences of a message field and lets the last scalar win', () => {
    const first = lengthDelimited(1, Buffer.concat([lengthDelimited(1, Buffer.from('a')), lengthDelimited(3, Buffer.from('ns'))]));
    const second = lengthDelimited(1, lengthDelimited(1, Buffer.from('b')));
    assert.deepEqual(decodeMessage(`${CORE}.Namespace`, Buffer.concat([first, second])).metadata, { name: 'b', namespace: 'ns' });
  });

  it('skips field numbers the message does not declare, as Kubernetes does', () => {
    const body = Buffer.concat([lengthDelimited(99, Buffer.from('future')), tag(98, 0), varint(1), lengthDelimited(1, Buffer.from('n'))]);
    assert.deepEqual(decodeMessage(`${META}.ObjectMeta`, body), { name: 'n' });
  });

  it('refuses a value of the wrong wire type', () => {
    assert.equal(protobufErrorOf(() => decodeMessage(`${META}.ObjectMeta`, Buffer.concat([tag(1, 0), varint(5)]))), 'proto: wrong wireType = 0 for field 1');
    assert.equal(protobufErrorOf(() => decodeMessage(`${META}.ObjectMeta`, lengthDelimited(7, Buffer.from('x')))), 'proto: wrong wireType = 2 for field 7');
  });

  it('round-trips any object metadata', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9.\/-]{0,20}$/);
    const meta = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
      labels: fc.dictionary(key, fc.string(), { noNullPrototype: true }),
      annotations: fc.dictionary(key, fc.string({ unit: 'grapheme' }), { noNullPrototype: true }),
      generation: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      deletionGracePeriodSeconds: fc.integer({ min: 0, max: 2 ** 31 }),
      finalizers: fc.array(key, { minLength: 1 }),
    }, { requiredKeys: ['name'] });
    fc.assert(fc.property(meta, fc.boolean(), (object, writeZeros) => {
      const expected: Json = Object.fromEntries(Object.entries(object).filter(([, v]) => typeof v !== 'object' || Object.keys(v as object).length > 0));
      assert.deepEqual(roundTrip(`${META}.ObjectMeta`, object, { writeZeros }), expected);
    }));
  });
});
