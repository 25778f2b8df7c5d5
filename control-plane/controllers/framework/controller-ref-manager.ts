/**
 * Which children a controller claims (Kubernetes' ControllerRefManager.ClaimObject, 1.32),
 * decided without I/O: a child it controls (by uid) and its selector matches is kept; one it
 * controls that stopped matching is released (its ownerReference goes), unless the controller
 * is being deleted; a matching orphan in its namespace that is not being deleted is adopted
 * (it gets a controller ownerReference), unless the controller is being deleted. A child
 * controlled by another is never touched. Adoption and release are strategic merge patches
 * carrying the child's uid as a precondition, so they never land on a recreated child of the same name.
 */
import type { KubeObject, OwnerReference } from '../../../api/meta';
import { controllerOf, controllerReference } from './owner-references';

export interface Claims<T extends KubeObject> {
  /** Children the controller has once adoption and release are done. */
  claimed: T[];
  /** Matching orphans to adopt. */
  adopt: T[];
  /** Controlled children whose labels stopped matching, to release. */
  release: T[];
}

export function claimChildren<T extends KubeObject>(owner: KubeObject, children: readonly T[], matches: (child: T) => boolean): Claims<T> {
  const claims: Claims<T> = { claimed: [], adopt: [], release: [] };
  const deleting = Boolean(owner.metadata.deletionTimestamp);
  for (const child of children) {
    const ref = controllerOf(child);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches(child)) claims.claimed.push(child);
      else if (!deleting) claims.release.push(child);
    } else if (!deleting && matches(child) && !child.metadata.deletionTimestamp && child.metadata.namespace === owner.metadata.namespace) {
      claims.adopt.push(child);
      claims.claimed.push(child);
    }
  }
  return claims;
}

/** The strategic merge patch that makes `owner` the controller of `child` (ownerReferences merge by uid). */
export function adoptionPatch(owner: KubeObject, child: KubeObject): { metadata: { ownerReferences: OwnerReference[]; uid: string } } {
  return { metadata: { ownerReferences: [controllerReference(owner)], uid: child.metadata.uid ?? '' } };
}

/** The strategic merge patch that removes `owner`'s reference from `child`. */
export function releasePatch(owner: KubeObject, child: KubeObject): { metadata: { ownerReferences: { $patch: 'delete'; uid: string }[]; uid: string } } {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid ?? '' }], uid: child.metadata.uid ?? '' } };
}
