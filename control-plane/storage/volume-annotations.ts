/**
 * The annotations and finalizers the volume controllers and the scheduler write, named as in
 * Kubernetes 1.32 (pkg/controller/volume/persistentvolume/util, the scheduler's volume binder,
 * sig-storage-lib-external-provisioner), and the class of a claim or volume as they read it.
 */
import type { PersistentVolumeClaim } from '../../api/core-v1';
import type { PersistentVolume } from '../../api/storage-v1';
import { ANN_PROVISIONED_BY } from '../../api/local-path';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export { ANN_PROVISIONED_BY };
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
export function claimClassOf(claim: PersistentVolumeClaim): string {
  return claim.metadata.annotations?.[ANN_BETA_CLASS] ?? claim.spec?.storageClassName ?? '';
}

/** GetPersistentVolumeClass: the beta annotation, else spec.storageClassName, else "". */
export function volumeClassOf(volume: PersistentVolume): string {
  return volume.metadata.annotations?.[ANN_BETA_CLASS] ?? volume.spec?.storageClassName ?? '';
}

/** IsVolumeBoundToClaim: the claimRef names the claim, and its uid if it has one. */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}
