import { strict as assert } from 'node:assert';
import type { KubeObject } from '../../../../api/meta';
import { storedObjectCheck } from '../../../../control-plane/apiserver/stored-object-check';
import { decodeObject } from '../../../../control-plane/store/etcd-codec';

const check = storedObjectCheck({ prefix: '/registry' });

function asObject(value: unknown): KubeObject {
  return value as KubeObject;
}

describe('the check of objects read back from etcd', () => {
  it('passes a valid object of the kind its key names', () => {
    assert.equal(check('/registry/core/pods/default/p', asObject({ metadata: { name: 'p' }, spec: { containers: [] } })), undefined);
    assert.equal(check('/registry/core/nodes/n', asObject({ metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } })), undefined);
  });

  it('names what is wrong with one that does not decode as its kind', () => {
    assert.equal(check('/registry/core/nodes/n', asObject({ metadata: { name: 'n' }, status: { addresses: 'x' } })),
      'not a valid Node: Node in version "v1" cannot be handled as a Node: json: cannot unmarshal string into Go struct field NodeStatus.status.addresses of type []v1.NodeAddress');
  });

  it('leaves keys outside the served resources alone', () => {
    assert.equal(check('/registry/core/serviceips/10.43.0.1', asObject({ metadata: {}, anything: 1 })), undefined);
    assert.equal(check('/other/core/pods/default/p', asObject({ metadata: {}, spec: 5 })), undefined);
  });

  it('makes the codec refuse what fails it, so readers skip it', () => {
    const bad = Buffer.from(JSON.stringify({ metadata: { name: 'p' }, spec: { containers: 'x' } }));
    assert.throws(() => decodeObject(bad, 7, check, '/registry/core/pods/default/p'), /not a valid Pod: .*Container|PodSpec.spec.containers/);
    assert.equal(decodeObject(bad, 7).metadata.resourceVersion, '7');
  });
});
