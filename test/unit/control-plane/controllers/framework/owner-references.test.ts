import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../../api/meta';
import { controllerOf, controllerReference, ownerKey } from '../../../../../control-plane/controllers/framework/owner-references';

const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'svc-1' } };
const child = (refs: KubeObject['metadata']['ownerReferences']): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: { name: 'c', namespace: 'default', ownerReferences: refs } });

describe('owner references', () => {
  const cases: { name: string; child: KubeObject; owners?: KubeObject[]; want: string | undefined }[] = [
    { name: 'a child enqueues its controller\'s key', child: child([controllerReference(service)]), want: 'default/web' },
    { name: 'an owner that is not the controller is ignored', child: child([{ ...controllerReference(service), controller: false }]), want: undefined },
    { name: 'a controller of another kind is ignored', child: child([{ ...controllerReference(service), kind: 'Deployment' }]), want: undefined },
    { name: 'with the owners at hand, a live owner of that uid is enqueued', child: child([controllerReference(service)]), owners: [service], want: 'default/web' },
    { name: 'an owner recreated under the name (another uid) is not', child: child([controllerReference(service)]), owners: [{ ...service, metadata: { ...service.metadata, uid: 'svc-2' } }], want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const owners = c.owners && { get: (key: string) => c.owners?.find((o) => `${o.metadata.namespace}/${o.metadata.name}` === key) };
      assert.equal(ownerKey(c.child, 'Service', owners), c.want);
    });
  }

  it('controllerOf finds the one reference with controller: true', () => {
    assert.equal(controllerOf(child([{ ...controllerReference(service), controller: false, uid: 'other' }, controllerReference(service)]))?.uid, 'svc-1');
  });
});
