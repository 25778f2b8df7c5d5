/**
 * persistentVolumeClaim volumes: the claim (as the feed delivered it) must be bound, its
 * PersistentVolume here, and the volume's source one this node can mount: hostPath (checked and
 * made as a pod's hostPath volume is; a local-path volume only under this node's own
 * local-path directory), local (an existing directory) or nfs (mounted by pod-volumes.ts through
 * nfs-volume.ts). Other sources (csi...) are refused with a message saying so; the pod then shows FailedMount. A `readOnly` claim volume is
 * mounted read-only into every container (pod-volumes.ts).
 * Messages follow the kubelet's (`persistentvolumeclaim "x" not found`,
 * `PVC default/x is not bound`, `persistentvolume "pv" not found`).
 */
import type { Pod, Volume } from '../../api/core-v1';
import { ANN_PROVISIONED_BY, isLocalPathVolumeDir, LOCAL_PATH_PROVISIONER } from '../../api/local-path';
import type { PersistentVolume } from '../../api/storage-v1';
import type { StorageSource } from '../storage-objects';
import { setUpHostPath } from './host-path';

/** The PersistentVolume the pod's claim is bound to, or throws with the reason there is none. */
export function boundVolumeOf(pod: Pod, source: NonNullable<Volume['persistentVolumeClaim']>, storage: StorageSource | undefined): PersistentVolume {
  const namespace = pod.metadata.namespace ?? '';
  const claim = storage?.claim(namespace, source.claimName);
  if (!claim) throw new Error(`persistentvolumeclaim "${source.claimName}" not found`);
  const volumeName = claim.spec?.volumeName;
  if (!volumeName || claim.status?.phase !== 'Bound') throw new Error(`PVC ${namespace}/${source.claimName} is not bound`);
  const volume = storage?.volume(volumeName);
  if (!volume) throw new Error(`persistentvolume "${volumeName}" not found`);
  return volume;
}

/** The host directory to bind for a claim's hostPath or local volume, or throws with the reason it cannot be (nfs: pod-volumes.ts mounts it). */
export function setUpClaimVolume(volume: PersistentVolume, storage: StorageSource | undefined): string {
  const volumeName = volume.metadata.name ?? '';
  const spec = volume.spec ?? {};
  if (spec.hostPath) {
    const ours = volume.metadata.annotations?.[ANN_PROVISIONED_BY] === LOCAL_PATH_PROVISIONER;
    if (ours && !isLocalPathVolumeDir(storage?.localPathDir ?? '', spec.hostPath.path)) throw new Error(`local-path volume "${volumeName}" is not under this node's directory ${storage?.localPathDir ?? ''}`);
    return setUpHostPath(spec.hostPath);
  }
  if (spec.local) return setUpHostPath({ path: spec.local.path, type: 'Directory' });
  const kind = Object.keys(spec).find((k) => !['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'volumeMode', 'nodeAffinity', 'volumeAttributesClassName'].includes(k));
  throw new Error(`${kind ?? 'this'} PersistentVolumes are not supported by this node yet (only hostPath, local and nfs)`);
}
