/**
 * When the storage-object-in-use protection finalizers may go (pkg/controller/volume/
 * pvcprotection and pvprotection, 1.32): a deleted claim keeps `kubernetes.io/pvc-protection`
 * while a pod of its namespace that has not finished mounts it (a pod not yet scheduled and
 * being deleted no longer counts); a deleted volume keeps `kubernetes.io/pv-protection` while
 * it is Bound.
 */
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { PersistentVolume } from '../../api/storage-v1';
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../storage/volume-annotations';

/** Whether the pod still holds the claim `name` of its namespace. */
export function podUsesClaim(pod: Pod, name: string): boolean {
  const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  const goneUnscheduled = !pod.spec.nodeName && pod.metadata.deletionTimestamp !== undefined;
  if (finished || goneUnscheduled) return false;
  return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name || (v.ephemeral !== undefined && `${pod.metadata.name}-${v.name}` === name));
}

/** The finalizers to keep, or undefined when nothing is to change. */
export function claimFinalizersAfter(claim: PersistentVolumeClaim, podsOfNamespace: readonly Pod[]): string[] | undefined {
  const finalizers = claim.metadata.finalizers ?? [];
  if (!claim.metadata.deletionTimestamp || !finalizers.includes(PVC_PROTECTION_FINALIZER)) return undefined;
  if (podsOfNamespace.some((p) => podUsesClaim(p, claim.metadata.name ?? ''))) return undefined;
  return finalizers.filter((f) => f !== PVC_PROTECTION_FINALIZER);
}

export function volumeFinalizersAfter(volume: PersistentVolume): string[] | undefined {
  const finalizers = volume.metadata.finalizers ?? [];
  if (!volume.metadata.deletionTimestamp || !finalizers.includes(PV_PROTECTION_FINALIZER)) return undefined;
  if (volume.status?.phase === 'Bound') return undefined;
  return finalizers.filter((f) => f !== PV_PROTECTION_FINALIZER);
}
