/**
 * What the garbage collector does with one object (Kubernetes' pkg/controller/garbagecollector,
 * attemptToDeleteItem / processDeletingDependentsItem / attemptToOrphan). Pure: the wiring
 * (garbage-collector-controller.ts) looks owners and dependents up and executes the step.
 *
 * As a dependent, each of its ownerReferences is classified: `absent` (no object of that kind
 * and name with that uid: dangling), `waiting` (the owner is being deleted in the foreground
 * and waits for its dependents), `solid` (anything else, including an owner whose kind this
 * server does not serve: nothing is deleted on a guess). With a solid owner left, references
 * to absent and waiting owners are dropped; with none, the object itself is deleted.
 *
 * As an owner being deleted: with `orphan`, its dependents lose their reference to it and then
 * the finalizer goes; with `foregroundDeletion`, its dependents are deleted and the finalizer
 * goes once none with `blockOwnerDeletion: true` remains.
 */
import type { KubeObject, OwnerReference } from '../../api/meta';
import { FOREGROUND_DELETION_FINALIZER, ORPHAN_FINALIZER } from '../registry/dependents-policy';

export type OwnerState = 'absent' | 'waiting' | 'solid';

export interface ClassifiedOwner {
  ref: OwnerReference;
  state: OwnerState;
}

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export type GcStep =
  | { op: 'none' }
  /**
   * Delete the object (with its uid as precondition); with `unblockOwnerReferences`, first make
   * its references non-blocking (a dependent of it is waiting for it too: a cycle).
   */
  | { op: 'delete'; propagationPolicy: Propagation; unblockOwnerReferences?: true }
  /** Remove the object's references to these owner uids. */
  | { op: 'dropOwnerReferences'; uids: string[] }
  /** Remove each dependent's reference to the object, then the object's `orphan` finalizer. */
  | { op: 'orphanDependents' }
  /** Look at the dependents with these uids again (they are to be deleted); the object waits for them. */
  | { op: 'waitForDependents'; uids: string[] }
  | { op: 'removeFinalizer'; finalizer: string };

const NONE: GcStep = { op: 'none' };

function hasFinalizer(object: KubeObject, finalizer: string): boolean {
  return (object.metadata.finalizers ?? []).includes(finalizer);
}

/** Being deleted and waiting for its dependents to go first. */
export function isDeletingDependents(object: KubeObject): boolean {
  return Boolean(object.metadata.deletionTimestamp) && hasFinalizer(object, FOREGROUND_DELETION_FINALIZER);
}

/** Being deleted with its dependents to be orphaned first. */
export function isOrphaningDependents(object: KubeObject): boolean {
  return Boolean(object.metadata.deletionTimestamp) && hasFinalizer(object, ORPHAN_FINALIZER);
}

/** Whether the collector has anything to look at in this object by itself (owners, or dependents to handle). */
export function concernsCollector(object: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).length > 0 || isDeletingDependents(object) || isOrphaningDependents(object);
}

/** How an owner found (or not) classifies a reference to it. */
export function classifyOwner(ref: OwnerReference, owner: KubeObject | undefined): OwnerState {
  if (!owner || owner.metadata.uid !== ref.uid) return 'absent';
  return isDeletingDependents(owner) ? 'waiting' : 'solid';
}

/** The step for an object, as an owner being deleted first, then as a dependent. */
export function planCollection(object: KubeObject, owners: readonly ClassifiedOwner[], dependents: readonly KubeObject[]): GcStep {
  if (isOrphaningDependents(object)) return dependents.length > 0 ? { op: 'orphanDependents' } : { op: 'removeFinalizer', finalizer: ORPHAN_FINALIZER };
  if (isDeletingDependents(object)) return planForeground(object, dependents);
  if (object.metadata.deletionTimestamp) return NONE;
  return planAsDependent(object, owners, dependents);
}

function planForeground(owner: KubeObject, dependents: readonly KubeObject[]): GcStep {
  const uid = owner.metadata.uid;
  const blocking = dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true));
  if (blocking.length === 0) return { op: 'removeFinalizer', finalizer: FOREGROUND_DELETION_FINALIZER };
  return { op: 'waitForDependents', uids: dependents.filter((d) => !d.metadata.deletionTimestamp).map((d) => d.metadata.uid ?? '') };
}

function planAsDependent(object: KubeObject, owners: readonly ClassifiedOwner[], dependents: readonly KubeObject[]): GcStep {
  if (owners.length === 0) return NONE;
  const solid = owners.filter((o) => o.state === 'solid');
  if (solid.length > 0) {
    const uids = owners.filter((o) => o.state !== 'solid').map((o) => o.ref.uid);
    return uids.length > 0 ? { op: 'dropOwnerReferences', uids } : NONE;
  }
  if (dependents.length > 0 && owners.some((o) => o.state === 'waiting')) {
    // Kubernetes' cycle breaking: a dependent deleting in the foreground may wait on this object while its owner waits on it.
    return dependents.some(isDeletingDependents) ? { op: 'delete', propagationPolicy: 'Foreground', unblockOwnerReferences: true } : { op: 'delete', propagationPolicy: 'Foreground' };
  }
  return { op: 'delete', propagationPolicy: ownPolicy(object) };
}

/** A collected object keeps the policy its own finalizers ask for; Background otherwise. */
function ownPolicy(object: KubeObject): Propagation {
  if (hasFinalizer(object, ORPHAN_FINALIZER)) return 'Orphan';
  if (hasFinalizer(object, FOREGROUND_DELETION_FINALIZER)) return 'Foreground';
  return 'Background';
}

/** The object without its references to `uids` (a private copy). */
export function withoutOwnerReferences<T extends KubeObject>(object: T, uids: readonly string[]): T {
  const next = structuredClone(object);
  next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => !uids.includes(r.uid));
  return next;
}

/** The object with every ownerReference non-blocking (a private copy). */
export function withUnblockedOwnerReferences<T extends KubeObject>(object: T): T {
  const next = structuredClone(object);
  next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).map((r) => ({ ...r, blockOwnerDeletion: false }));
  return next;
}

/** The object without `finalizer` (a private copy). */
export function withoutFinalizer<T extends KubeObject>(object: T, finalizer: string): T {
  const next = structuredClone(object);
  next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return next;
}
