import assert from 'node:assert/strict';
import { defaultPersistentVolume } from '../../../../api/defaults/persistentvolume-defaults';
import { defaultStorageClass } from '../../../../api/defaults/storageclass-defaults';
import type { PersistentVolume, PersistentVolumeSpec, StorageClass } from '../../../../api/storage-v1';
import { validatePersistentVolume, validatePersistentVolumeUpdate } from '../../../../api/validation/persistentvolume-validation';
import { validateStorageClass, validateStorageClassUpdate } from '../../../../api/validation/storageclass-validation';

const base: PersistentVolumeSpec = { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/data' } };
const aVolume = (spec: PersistentVolumeSpec): PersistentVolume => defaultPersistentVolume({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1', resourceVersion: '1' }, spec });
const errors = (pv: PersistentVolume): string[] => validatePersistentVolume(pv).map((c) => `${c.field}: ${c.message}`);
const affinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['pi1'] }] }] } };

describe('PersistentVolume defaults and validation', () => {
  it('defaults reclaim Retain, volumeMode Filesystem, phase Pending, and accepts a hostPath volume', () => {
    const pv = aVolume(base);
    assert.deepEqual([pv.spec?.persistentVolumeReclaimPolicy, pv.spec?.volumeMode, pv.status?.phase], ['Retain', 'Filesystem', 'Pending']);
    assert.deepEqual(errors(pv), []);
  });
  const cases: { name: string; spec: PersistentVolumeSpec; want: string[] }[] = [
    { name: 'no source', spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] }, want: ['spec: Required value: must specify a volume type'] },
    { name: 'two sources', spec: { ...base, nfs: { server: 'nas', path: '/x' } }, want: ['spec.nfs: Forbidden: may not specify more than 1 volume type'] },
    { name: 'no capacity', spec: { accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } }, want: ['spec.capacity: Required value'] },
    { name: 'another capacity resource', spec: { ...base, capacity: { storage: '1Gi', cpu: '1' } }, want: ['spec.capacity: Unsupported value: {"storage":"1Gi","cpu":"1"}: supported values: "storage"'] },
    { name: 'no access modes', spec: { ...base, accessModes: [] }, want: ['spec.accessModes: Required value: must contain at least one access mode'] },
    { name: 'an unknown reclaim policy', spec: { ...base, persistentVolumeReclaimPolicy: 'Shred' as 'Retain' }, want: ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Shred": supported values: "Delete", "Recycle", "Retain"'] },
    { name: 'a local volume without node affinity', spec: { ...base, hostPath: undefined, local: { path: '/mnt/disk' } }, want: ['spec.nodeAffinity: Required value: Local volumes require node affinity'] },
    { name: 'a local volume with node affinity', spec: { ...base, hostPath: undefined, local: { path: '/mnt/disk' }, nodeAffinity: affinity }, want: [] },
    { name: 'node affinity without terms', spec: { ...base, nodeAffinity: { required: { nodeSelectorTerms: [] } } }, want: ['spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term'] },
    { name: 'a hostPath with ..', spec: { ...base, hostPath: { path: '/mnt/../etc' } }, want: ['spec.hostPath.path: Invalid value: "/mnt/../etc": must not contain \'..\''] },
    { name: 'a relative nfs path', spec: { ...base, hostPath: undefined, nfs: { server: 'nas', path: 'export' } }, want: ['spec.nfs.path: Invalid value: "export": must be an absolute path'] },
    { name: 'mount options on hostPath', spec: { ...base, mountOptions: ['ro'] }, want: ['spec.mountOptions: Forbidden: may not specify mount options for this volume type'] },
  ];
  for (const c of cases) it(`refuses or accepts: ${c.name}`, () => assert.deepEqual(errors(aVolume(c.spec)), c.want));

  it('keeps the source and the volume mode immutable, the rest editable', () => {
    const old = aVolume(base);
    assert.deepEqual(validatePersistentVolumeUpdate(aVolume({ ...base, capacity: { storage: '2Gi' } }), old), []);
    assert.deepEqual(validatePersistentVolumeUpdate(aVolume({ ...base, hostPath: { path: '/other' } }), old).map((c) => c.message),
      ['Forbidden: spec.persistentvolumesource is immutable after creation']);
  });
});

describe('StorageClass defaults and validation', () => {
  const aClass = (over: Partial<StorageClass> = {}): StorageClass => defaultStorageClass({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', resourceVersion: '1' }, provisioner: 'example.com/fast', ...over });
  const msgs = (sc: StorageClass): string[] => validateStorageClass(sc).map((c) => `${c.field}: ${c.message}`);
  it('defaults reclaim Delete and binding Immediate', () => assert.deepEqual([aClass().reclaimPolicy, aClass().volumeBindingMode], ['Delete', 'Immediate']));
  it('refuses a missing provisioner, Recycle, an unknown binding mode', () => {
    assert.deepEqual(msgs(aClass({ provisioner: '' })), ['provisioner: Required value']);
    assert.deepEqual(msgs(aClass({ reclaimPolicy: 'Recycle' })), ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']);
    assert.deepEqual(msgs(aClass({ volumeBindingMode: 'Later' as 'Immediate' })), ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']);
  });
  it('refuses changes to provisioner, parameters, reclaim policy and binding mode', () => {
    const causes = validateStorageClassUpdate(aClass({ provisioner: 'example.com/other', parameters: { a: 'b' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }), aClass());
    assert.deepEqual(causes.map((c) => c.field), ['parameters', 'provisioner', 'reclaimPolicy', 'volumeBindingMode']);
  });
});
