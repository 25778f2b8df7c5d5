/**
 * The VolumeBinding plugin's PreFilter (kube-scheduler, 1.32), for the claims a pod mounts: a
 * claim that does not exist or is being deleted, or one not bound to a volume, makes the pod
 * unschedulable on every node (UnschedulableAndUnresolvable) with the plugin's message. Every
 * claim is "immediate" here: there are no StorageClasses yet, so none waits for its first
 * consumer. Until the storage issue's binder (13) exists no claim is ever bound, so a pod with
 * a claim stays Pending with `pod has unbound immediate PersistentVolumeClaims`.
 */
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';

export const UNBOUND_IMMEDIATE_CLAIMS = 'pod has unbound immediate PersistentVolumeClaims';

/** The claim named `name` in `namespace`, as cached. */
export type ClaimLookup = (namespace: string, name: string) => PersistentVolumeClaim | undefined;

/** The names of the claims the pod's volumes use, in volume order. */
export function claimNamesOf(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

/** undefined when the pod's claims let it be scheduled; otherwise the PreFilter's message. */
export function volumeBindingPreFilter(pod: Pod, claimOf: ClaimLookup): string | undefined {
  const namespace = pod.metadata.namespace ?? '';
  let unbound = false;
  for (const name of claimNamesOf(pod)) {
    const claim = claimOf(namespace, name);
    if (!claim) return `persistentvolumeclaim "${name}" not found`;
    if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
    if (!claim.spec?.volumeName) unbound = true;
  }
  return unbound ? UNBOUND_IMMEDIATE_CLAIMS : undefined;
}
