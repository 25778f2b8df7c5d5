import { strict as assert } from 'node:assert';
import { ApiError } from '../../../../../api/errors';
import { decodeObject } from '../../../../../control-plane/apiserver/object-decoding';
import { decodeProtobufBody, servesProtobuf } from '../../../../../control-plane/apiserver/protobuf/protobuf-body';
import { defaultStrategy } from '../../../../../control-plane/registry/default-strategy';
import { defineKind, type ResourceDefinition } from '../../../../../control-plane/registry/resource-definition';
import { NAMESPACES, PODS } from '../../../../../control-plane/registry/kinds';
import { encodeObject, envelope, lengthDelimited } from '../../../../support/protobuf-encoder';
import { KUBECTL_CAPTURES } from './kubectl-captures';

function resourceFor(apiVersion: string, kind: string): ResourceDefinition {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const resource = `${kind.toLowerCase()}s`;
  const strategy = defaultStrategy({ topLevelFields: [], hasStatus: true });
  return defineKind({ group, version, resource, singularName: kind.toLowerCase(), kind, listKind: `${kind}List`, namespaced: true, verbs: ['create'], strategy });
}

/** kubectl's JSON without the members Go writes as null (creationTimestamp: null), which the decoder leaves out. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

function badRequestOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError && err.code === 'BadRequest', String(err));
    return err.message;
  }
  throw new Error('expected a BadRequest');
}

describe('protobuf request bodies', () => {
  describe('decode what the real kubectl sends to the JSON it would have sent', () => {
    for (const capture of KUBECTL_CAPTURES) {
      it(capture.command, () => {
        const json = JSON.parse(capture.json) as { apiVersion: string; kind: string };
        const decoded = decodeProtobufBody(Buffer.from(capture.body, 'hex'), resourceFor(json.apiVersion, json.kind));
        assert.deepEqual(decoded, withoutNulls(json));
      });
    }
  });

  it("takes the endpoint's kind and version when the envelope names none, as Kubernetes' decoder does", () => {
    const raw = lengthDelimited(1, lengthDelimited(1, Buffer.from('foo')));
    assert.deepEqual(decodeProtobufBody(envelope('', '', raw), NAMESPACES), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'foo' }, spec: {}, status: {} });
  });

  it('decodes another known kind as itself, which the JSON path then refuses with 400', () => {
    const configMap = decodeProtobufBody(encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), NAMESPACES);
    assert.equal(configMap.kind, 'ConfigMap');
    assert.throws(() => decodeObject(NAMESPACES, configMap), /^ApiError: the object provided is unrecognized \(must be of type Namespace\): ConfigMap in version "v1" cannot be handled as a Namespace$/);
    const hpaV1 = resourceFor('autoscaling/v1', 'HorizontalPodAutoscaler');
    const hpaV2 = decodeProtobufBody(encodeObject({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } }), hpaV1);
    assert.throws(() => decodeObject(hpaV1, hpaV2), /^ApiError: the API version in the data \(autoscaling\/v2\) does not match the expected API version \(autoscaling\/v1\)$/);
  });

  it('answers 400 for a kind no message is registered for', () => {
    assert.equal(badRequestOf(() => decodeProtobufBody(envelope('v1', 'Gadget', Buffer.alloc(0)), PODS)), 'Gadget in version "v1" cannot be handled as a Pod: no kind "Gadget" is registered for version "v1"');
  });

  it('answers 400 for a body that is not an envelope, or a malformed object', () => {
    assert.equal(badRequestOf(() => decodeProtobufBody(Buffer.from('{"kind":"Pod"}'), PODS)), 'the object provided is unrecognized (must be of type Pod): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
    assert.equal(badRequestOf(() => decodeProtobufBody(envelope('v1', 'Pod', Buffer.from([0x0a, 0x09, 0x0a])), PODS)), 'Pod in version "v1" cannot be handled as a Pod: unexpected EOF');
  });

  it('is served for the built-in kinds only', () => {
    assert.equal(servesProtobuf(PODS), true);
    assert.equal(servesProtobuf(resourceFor('apps/v1', 'Deployment')), true);
    assert.equal(servesProtobuf(resourceFor('authorization.k8s.io/v1', 'SelfSubjectAccessReview')), true);
    assert.equal(servesProtobuf(resourceFor('example.com/v1', 'Widget')), false);
  });
});
