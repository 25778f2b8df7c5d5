/**
 * The local-path provisioner's decision for one claim, pure (the external provisioner's
 * shouldProvision/provisionClaimOperation, sig-storage-lib-external-provisioner, with k3s'
 * local-path rules): a claim handed to `pikube.dev/local-path`
 * (volume.kubernetes.io/storage-provisioner), unbound, with its node selected
 * (volume.kubernetes.io/selected-node) gets a volume `pvc-<claim uid>`: a hostPath
 * DirectoryOrCreate under that node's local-path directory, pinned to the node by node affinity,
 * pre-bound to the claim (claimRef with its uid), the class's reclaim policy, the claim's
 * request and access modes. The node's agent makes the directory when a pod mounts it and removes
 * it once the volume is gone from its view (agent/volumes/local-path-volumes.ts): no finalizer, so
 * a deleted volume goes at once and its directory shortly after (Kubernetes' provisioner removes
 * the storage first; a deviation). Refused with ProvisioningFailed: a selector, access modes other than
 * ReadWriteOnce(Pod), Block mode, a node without a local-path directory (an older agent).
 */
import type { Node, PersistentVolumeClaim } from '../../api/core-v1';
import { LOCAL_PATH_DIR_ANNOTATION, localPathVolumeDir } from '../../api/local-path';
import type { PersistentVolume, StorageClass } from '../../api/storage-v1';
import { LOCAL_PATH_PROVISIONER } from '../storage/default-storage-class';
import { ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClassOf } from '../storage/volume-annotations';

export type ProvisionPlan =
  | { op: 'none' }
  | { op: 'provision'; volume: PersistentVolume }
  | { op: 'fail'; message: string };

export interface ProvisionInputs {
  classOf(name: string): StorageClass | undefined;
  nodeOf(name: string): Node | undefined;
  volumeExists(name: string): boolean;
}

/** `pvc-<uid>`, as the external provisioner names volumes. */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata.uid ?? ''}`;
}

/** Whether the claim waits for this provisioner. */
export function isOurs(claim: PersistentVolumeClaim): boolean {
  return claim.metadata.annotations?.[ANN_STORAGE_PROVISIONER] === LOCAL_PATH_PROVISIONER && !claim.spec?.volumeName && !claim.metadata.deletionTimestamp;
}

export function planProvisioning(claim: PersistentVolumeClaim, inputs: ProvisionInputs): ProvisionPlan {
  const nodeName = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  if (!isOurs(claim) || !nodeName || inputs.volumeExists(provisionedVolumeName(claim))) return { op: 'none' };
  const storageClass = inputs.classOf(claimClassOf(claim));
  if (!storageClass || storageClass.provisioner !== LOCAL_PATH_PROVISIONER) return { op: 'none' };
  const refusal = refusalOf(claim);
  if (refusal) return { op: 'fail', message: refusal };
  const node = inputs.nodeOf(nodeName);
  const baseDir = node?.metadata.annotations?.[LOCAL_PATH_DIR_ANNOTATION];
  if (!node || !baseDir) return { op: 'fail', message: `node "${nodeName}" has no local-path directory (annotation ${LOCAL_PATH_DIR_ANNOTATION})` };
  return { op: 'provision', volume: volumeFor(claim, storageClass, node, baseDir) };
}

function refusalOf(claim: PersistentVolumeClaim): string | undefined {
  if (claim.spec?.selector) return 'claim Selector is not supported';
  if (claim.spec?.volumeMode === 'Block') return 'local-path volumes support only volumeMode Filesystem';
  const modes = claim.spec?.accessModes ?? [];
  if (modes.some((m) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod')) return 'local-path volumes support only the ReadWriteOnce and ReadWriteOncePod access modes';
  return undefined;
}

function volumeFor(claim: PersistentVolumeClaim, storageClass: StorageClass, node: Node, baseDir: string): PersistentVolume {
  const { uid = '', namespace = '', name = '' } = claim.metadata;
  const hostname = node.metadata.labels?.['kubernetes.io/hostname'] ?? node.metadata.name ?? '';
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name: provisionedVolumeName(claim), annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
      storageClassName: storageClass.metadata.name,
      volumeMode: 'Filesystem',
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace, name, uid, resourceVersion: claim.metadata.resourceVersion },
      hostPath: { path: localPathVolumeDir(baseDir, { uid, namespace, name }), type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [hostname] }] }] } },
    },
  };
}
