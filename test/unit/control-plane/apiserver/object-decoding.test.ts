import { strict as assert } from 'node:assert';
import type { KubeObject } from '../../../../api/meta';
import { checkName, decodeObject, settleNamespace } from '../../../../control-plane/apiserver/object-decoding';
import { NODES, PODS } from '../../../../control-plane/registry/kinds';

describe('decoding request objects', () => {
  it('fills in missing type meta and metadata', () => {
    assert.deepEqual(decodeObject(PODS, { spec: {} }), { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {} });
  });

  it('rejects another kind, another version and non-objects with 400', () => {
    assert.throws(() => decodeObject(PODS, { apiVersion: 'v1', kind: 'Service', metadata: {} }), /the object provided is unrecognized \(must be of type Pod\)/);
    assert.throws(() => decodeObject(PODS, { apiVersion: 'apps/v1', kind: 'Pod', metadata: {} }), /does not match the expected API version \(v1\)/);
    assert.throws(() => decodeObject(PODS, [1, 2]), /must be of type Pod/);
  });

  it('takes the namespace of the request, which the object may repeat but not contradict', () => {
    const pod: KubeObject = { metadata: { name: 'p' } };
    assert.equal(settleNamespace(PODS, pod, 'team'), 'team');
    assert.equal(pod.metadata.namespace, 'team');
    assert.throws(() => settleNamespace(PODS, { metadata: { namespace: 'other' } }, 'team'), /does not match the namespace sent on the request/);
    const node: KubeObject = { metadata: { name: 'n', namespace: 'stray' } };
    assert.equal(settleNamespace(NODES, node, undefined), undefined);
    assert.equal(node.metadata.namespace, undefined);
  });

  it('requires the body to name the object of the URL', () => {
    assert.throws(() => checkName({ metadata: { name: 'a' } }, 'b'), /^ApiError: the name of the object \(a\) does not match the name on the URL \(b\)$/);
    assert.doesNotThrow(() => checkName({ metadata: { name: 'a' } }, 'a'));
  });
});
