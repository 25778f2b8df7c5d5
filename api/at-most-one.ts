/**
 * Which pods must never run twice at once (DESIGN.md "Failover", issue 12): a StatefulSet's
 * pods (a stable identity: two `web-0` would both answer for it) and pods mounting a claim
 * that only one node may use (ReadWriteOnce, ReadWriteOncePod). Both sides decide with this
 * one function: the agent fences such pods when it loses every control plane, and the control
 * plane force-deletes them from an unreachable node only after the fencing period.
 *
 * A claim whose access modes are not known (the agent never sees claims; a claim not in the
 * control plane's cache) counts as ReadWriteOnce: wrongly fencing a ReadWriteMany pod costs a
 * restart, wrongly not fencing a ReadWriteOnce pod could corrupt its volume.
 */
import type { PersistentVolumeClaim, Pod } from './core-v1';

/** Why a pod must not run twice; undefined for a replaceable pod. */
export type AtMostOneReason = 'StatefulSet' | 'ReadWriteOnceVolume';

/** The access modes of a claim in the pod's namespace, or undefined when it is not known. */
export type ClaimAccessModes = (namespace: string, claimName: string) => readonly string[] | undefined;

const SINGLE_NODE_MODES = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

/** The pod's controller is a StatefulSet (any apps version). */
function ownedByStatefulSet(pod: Pod): boolean {
  return (pod.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.kind === 'StatefulSet' && o.apiVersion.startsWith('apps/'));
}

/** A claim is single-node unless its known access modes include none of the single-node ones. */
function singleNodeClaim(modes: readonly string[] | undefined): boolean {
  return modes === undefined || modes.length === 0 || modes.some((m) => SINGLE_NODE_MODES.has(m));
}

export function atMostOneReason(pod: Pod, accessModesOf: ClaimAccessModes = () => undefined): AtMostOneReason | undefined {
  if (ownedByStatefulSet(pod)) return 'StatefulSet';
  const namespace = pod.metadata.namespace ?? 'default';
  const claims = (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
  return claims.some((name) => singleNodeClaim(accessModesOf(namespace, name))) ? 'ReadWriteOnceVolume' : undefined;
}

/** A claim's access modes as the control plane knows them: the status's once bound, else the spec's. */
export function claimAccessModes(claim: PersistentVolumeClaim | undefined): readonly string[] | undefined {
  if (!claim) return undefined;
  return claim.status?.accessModes?.length ? claim.status.accessModes : claim.spec?.accessModes;
}
