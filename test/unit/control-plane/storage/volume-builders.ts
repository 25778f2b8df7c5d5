/** Builders of claims, volumes, classes and nodes for the storage tests. */
import type { Node, PersistentVolumeClaim, PersistentVolumeClaimSpec } from '../../../../api/core-v1';
import type { KubeObject } from '../../../../api/meta';
import type { PersistentVolume, PersistentVolumeSpec, StorageClass } from '../../../../api/storage-v1';

export type StoredClaim = PersistentVolumeClaim & KubeObject;

export function aClaim(name: string, spec: PersistentVolumeClaimSpec = {}, annotations?: Record<string, string>): StoredClaim {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem', storageClassName: 'manual', ...spec },
    status: { phase: 'Pending' },
  };
}

export function aVolume(name: string, spec: PersistentVolumeSpec = {}, labels?: Record<string, string>): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, ...(labels ? { labels } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, volumeMode: 'Filesystem', storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/data/${name}` }, ...spec },
    status: { phase: 'Available' },
  };
}

export function aClass(name: string, over: Partial<StorageClass> = {}): StorageClass {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'pikube.dev/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...over };
}

export function aNode(name: string, labels: Record<string, string> = {}): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as unknown as Node;
}

/** Node affinity pinning a volume to one host name. */
export function onHost(host: string): PersistentVolumeSpec['nodeAffinity'] {
  return { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } };
}
