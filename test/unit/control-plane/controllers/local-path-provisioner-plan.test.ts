import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { planProvisioning, type ProvisionInputs } from '../../../../control-plane/controllers/local-path-provisioner-plan';
import { aClaim, aClass, aNode } from '../storage/volume-builders';

const ours = { 'volume.kubernetes.io/storage-provisioner': 'pikube.dev/local-path', 'volume.kubernetes.io/selected-node': 'pi1' };
function inputs(over: Partial<ProvisionInputs> = {}): ProvisionInputs {
  const node: Node = { ...aNode('pi1'), metadata: { name: 'pi1', labels: { 'kubernetes.io/hostname': 'pi1' }, annotations: { 'pikube.dev/local-path-dir': '/var/lib/pikube-agent/storage' } } };
  return { classOf: (n) => (n === 'local-path' ? aClass('local-path', { volumeBindingMode: 'WaitForFirstConsumer' }) : undefined), nodeOf: (n) => (n === 'pi1' ? node : undefined), volumeExists: () => false, ...over };
}

describe('local-path provisioner plan', () => {
  it('makes a hostPath volume under the selected node\'s directory, pinned to it and pre-bound to the claim', () => {
    const plan = planProvisioning(aClaim('data', { storageClassName: 'local-path' }, ours), inputs());
    assert.equal(plan.op, 'provision');
    assert.deepEqual(plan.op === 'provision' ? plan.volume : undefined, {
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name: 'pvc-uid-data', annotations: { 'pv.kubernetes.io/provisioned-by': 'pikube.dev/local-path' } },
      spec: {
        capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'local-path', volumeMode: 'Filesystem',
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'data', uid: 'uid-data', resourceVersion: '7' },
        hostPath: { path: '/var/lib/pikube-agent/storage/pvc-uid-data_default_data', type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['pi1'] }] }] } },
      },
    });
  });
  const cases: { name: string; claim: ReturnType<typeof aClaim>; over?: Partial<ProvisionInputs>; want: unknown }[] = [
    { name: 'waits for a node to be selected', claim: aClaim('data', { storageClassName: 'local-path' }, { 'volume.kubernetes.io/storage-provisioner': 'pikube.dev/local-path' }), want: { op: 'none' } },
    { name: 'leaves a claim of another provisioner', claim: aClaim('data', { storageClassName: 'local-path' }, { ...ours, 'volume.kubernetes.io/storage-provisioner': 'example.com/x' }), want: { op: 'none' } },
    { name: 'does nothing once its volume exists', claim: aClaim('data', { storageClassName: 'local-path' }, ours), over: { volumeExists: () => true }, want: { op: 'none' } },
    { name: 'refuses ReadWriteMany', claim: aClaim('data', { storageClassName: 'local-path', accessModes: ['ReadWriteMany'] }, ours),
      want: { op: 'fail', message: 'local-path volumes support only the ReadWriteOnce and ReadWriteOncePod access modes' } },
    { name: 'refuses a selector', claim: aClaim('data', { storageClassName: 'local-path', selector: { matchLabels: { a: 'b' } } }, ours), want: { op: 'fail', message: 'claim Selector is not supported' } },
    { name: 'refuses a node without a local-path directory', claim: aClaim('data', { storageClassName: 'local-path' }, { ...ours, 'volume.kubernetes.io/selected-node': 'old' }),
      over: { nodeOf: () => aNode('old') }, want: { op: 'fail', message: 'node "old" has no local-path directory (annotation pikube.dev/local-path-dir)' } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(planProvisioning(c.claim, inputs(c.over)), c.want));
});
