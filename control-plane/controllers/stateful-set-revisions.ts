/**
 * A StatefulSet's ControllerRevision history (getStatefulSetRevisions and truncateHistory,
 * stateful_set_control.go 1.32), decided without I/O. The update revision is the set's current
 * template: the newest revision when it is equal, an older equal revision renumbered to the
 * next number (a rollback: `kubectl rollout undo`), or a new revision. The current revision is
 * the one status.currentRevision names, else the update revision. History beyond
 * revisionHistoryLimit goes, oldest first, never a revision a pod or the status still uses.
 */
import type { ControllerRevision, StatefulSet } from '../../api/apps-v1';
import { equalRevision, findEqualRevisions, newControllerRevision, nextRevision, sortRevisions } from './framework/controller-history';
import { podRevision } from './stateful-set-pods';
import type { Pod } from '../../api/core-v1';

export type UpdateRevisionPlan =
  /** The newest revision holds the template already. */
  | { op: 'keep'; revision: ControllerRevision }
  /** An older revision holds it: give it `revision` (UpdateControllerRevision). */
  | { op: 'renumber'; revision: ControllerRevision; to: number }
  /** None does: create this one (with the set's collisionCount; createControllerRevision settles collisions). */
  | { op: 'create'; revision: ControllerRevision };

/** newRevision: the template snapshot, numbered, with the set's annotations (as Kubernetes copies them). */
export function snapshotOf(set: StatefulSet, revision: number): ControllerRevision {
  const cr = newControllerRevision(set, revision, set.status?.collisionCount ?? 0);
  const annotations = set.metadata.annotations;
  return annotations ? { ...cr, metadata: { ...cr.metadata, annotations: { ...annotations } } } : cr;
}

/** `revisions`: the set's own, any order. */
export function planUpdateRevision(set: StatefulSet, revisions: readonly ControllerRevision[]): UpdateRevisionPlan {
  const sorted = sortRevisions(revisions);
  const candidate = snapshotOf(set, nextRevision(sorted));
  const equal = findEqualRevisions(sorted, candidate);
  const newest = sorted[sorted.length - 1];
  const lastEqual = equal[equal.length - 1];
  if (lastEqual && newest && equalRevision(newest, lastEqual)) return { op: 'keep', revision: newest };
  if (lastEqual) return { op: 'renumber', revision: lastEqual, to: candidate.revision };
  return { op: 'create', revision: candidate };
}

/** The revision status.currentRevision names, else `update` (a new history starts at the update revision). */
export function currentRevisionOf(set: StatefulSet, revisions: readonly ControllerRevision[], update: ControllerRevision): ControllerRevision {
  return revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
}

/** truncateHistory: the revisions to delete, oldest first. */
export function revisionsToTruncate(
  set: StatefulSet, pods: readonly Pod[], revisions: readonly ControllerRevision[], current: ControllerRevision, update: ControllerRevision,
): ControllerRevision[] {
  const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(podRevision)]);
  const history = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name));
  const limit = set.spec.revisionHistoryLimit ?? 10;
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}
