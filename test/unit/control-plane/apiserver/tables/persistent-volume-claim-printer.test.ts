import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../../api/meta';
import { persistentVolumeClaimPrinter } from '../../../../../control-plane/apiserver/tables/persistent-volume-claim-printer';

const now = new Date('2026-01-01T12:00:00Z');

function aClaim(extra: { spec?: Record<string, unknown>; status?: Record<string, unknown>; deleting?: boolean; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: 'www-web-0', namespace: 'default', creationTimestamp: '2026-01-01T11:55:00Z', ...(extra.deleting ? { deletionTimestamp: now.toISOString() } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'my-storage-class', volumeMode: 'Filesystem', ...extra.spec },
    status: { phase: 'Pending', ...extra.status },
  };
}

describe('kubectl get pvc columns', () => {
  it('names the columns as printPersistentVolumeClaim, VolumeMode only with -o wide', () => {
    assert.deepEqual(persistentVolumeClaimPrinter.columns.map((c) => [c.name, c.priority]), [
      ['Name', 0], ['Status', 0], ['Volume', 0], ['Capacity', 0], ['Access Modes', 0], ['StorageClass', 0], ['VolumeAttributesClass', 0], ['Age', 0], ['VolumeMode', 1],
    ]);
  });

  const cases: { name: string; claim: KubeObject; want: unknown[] }[] = [
    { name: 'an unbound claim: no volume, capacity or access modes', claim: aClaim(), want: ['www-web-0', 'Pending', '', '', '', 'my-storage-class', '<unset>', '5m', 'Filesystem'] },
    { name: 'a bound claim: the volume\'s capacity and modes', claim: aClaim({ spec: { volumeName: 'pv-1' }, status: { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'] } }),
      want: ['www-web-0', 'Bound', 'pv-1', '2Gi', 'RWO,RWX', 'my-storage-class', '<unset>', '5m', 'Filesystem'] },
    { name: 'a claim being deleted is Terminating; the beta annotation names the class', claim: aClaim({ deleting: true, annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }),
      want: ['www-web-0', 'Terminating', '', '', '', 'old', '<unset>', '5m', 'Filesystem'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(persistentVolumeClaimPrinter.cells(c.claim, now), c.want));
});
