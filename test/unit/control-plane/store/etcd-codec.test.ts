import assert from 'node:assert/strict';
import { decodeObject, encodeObject, keySubject, tombstone } from '../../../../control-plane/store/etcd-codec';

describe('etcd codec', () => {
  it('stores an object without its resourceVersion and stamps the revision on decode', () => {
    const bytes = encodeObject({ kind: 'Pod', metadata: { name: 'p', resourceVersion: '7' } });
    assert.ok(!bytes.toString().includes('resourceVersion'));
    assert.deepEqual(decodeObject(bytes, 42), { kind: 'Pod', metadata: { name: 'p', resourceVersion: '42' } });
  });

  for (const junk of ['{not json', '[1,2]', '"text"', '{"kind":"Pod"}', '{"metadata":[]}', '']) {
    it(`refuses to decode ${JSON.stringify(junk)}`, () => {
      assert.throws(() => decodeObject(Buffer.from(junk), 1));
    });
  }

  const subjects: Array<[string, boolean, { group: string; resource: string; name: string }]> = [
    ['/registry/core/pods/default/web', true, { group: '', resource: 'pods', name: 'web' }],
    ['/t-1/registry/apps/deployments/kube-system/dns', true, { group: 'apps', resource: 'deployments', name: 'dns' }],
    ['/registry/core/nodes/pi-1', false, { group: '', resource: 'nodes', name: 'pi-1' }],
    ['/a/b/registry/rbac.authorization.k8s.io/clusterroles/admin', false, { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' }],
  ];
  for (const [key, namespaced, expected] of subjects) {
    it(`reads ${expected.resource} "${expected.name}" from ${key}`, () => {
      assert.deepEqual(keySubject(key, namespaced), expected);
    });
  }

  it('makes a tombstone named after the key', () => {
    assert.deepEqual(tombstone('/registry/core/pods/default/web', 9), { metadata: { name: 'web', resourceVersion: '9' } });
  });
});
