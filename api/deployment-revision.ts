/**
 * A Deployment's revisions, as pkg/controller/deployment/util (1.32) keeps them in annotations:
 * each ReplicaSet carries `deployment.kubernetes.io/revision` (and, once rolled back to, the
 * revisions it had before in `revision-history`); the Deployment carries its new ReplicaSet's
 * revision. The Deployment's own annotations (`kubernetes.io/change-cause`...) are copied to
 * its new ReplicaSet, which is what `kubectl rollout history` prints. Functions mutate the
 * ReplicaSet or Deployment they are given (a working copy) and say whether anything changed.
 */
import type { Deployment, ReplicaSet } from './apps-v1';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION } from './deployment-rollout';

export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** The controller's maxRevHistoryLengthInChars. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** annotationsToSkip: the Deployment annotations never copied to a ReplicaSet. */
const SKIPPED = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, DEPRECATED_ROLLBACK_TO]);

/** Revision: the ReplicaSet's revision annotation as a number; 0 when absent or unparseable. */
export function revisionOf(rs: ReplicaSet): number {
  const value = rs.metadata.annotations?.[REVISION_ANNOTATION];
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : 0;
}

/** MaxRevision of a set of ReplicaSets (0 for none). */
export function maxRevision(sets: readonly ReplicaSet[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** copyDeploymentAnnotationsToReplicaSet: adds or overwrites, never removes. */
export function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const annotations = { ...rs.metadata.annotations };
  for (const [key, value] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  if (changed) rs.metadata.annotations = annotations;
  return changed;
}

/**
 * SetNewReplicaSetAnnotations minus the replica annotations (the caller's when creating): the
 * Deployment's annotations copied, the revision raised to `newRevision` when lower, and a
 * revision that is replaced (a rollback to this ReplicaSet) appended to its revision history,
 * dropping the oldest entries beyond `limitChars`.
 */
export function setNewReplicaSetRevision(d: Deployment, rs: ReplicaSet, newRevision: number, limitChars = MAX_REVISION_HISTORY_CHARS): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const oldRevision = rs.metadata.annotations?.[REVISION_ANNOTATION];
  if (oldRevision !== undefined && oldRevision !== '' && !/^[+-]?\d+$/.test(oldRevision)) return false;
  const oldNumber = oldRevision ? Number(oldRevision) : 0;
  if (oldNumber >= newRevision) return changed;
  const annotations: Record<string, string> = { ...rs.metadata.annotations, [REVISION_ANNOTATION]: String(newRevision) };
  if (oldRevision !== undefined) {
    const history = appendHistory(annotations[REVISION_HISTORY_ANNOTATION] ?? '', oldRevision, limitChars);
    if (history !== undefined) annotations[REVISION_HISTORY_ANNOTATION] = history;
  }
  rs.metadata.annotations = annotations;
  changed = true;
  return changed;
}

/** The history with `revision` appended, oldest entries dropped to fit; undefined when it cannot fit. */
function appendHistory(history: string, revision: string, limitChars: number): string | undefined {
  if (history === '') return revision;
  const entries = history.split(',');
  let total = history.length + revision.length + 1;
  let start = 0;
  while (total > limitChars && start < entries.length) total -= (entries[start++] ?? '').length + 1;
  return total <= limitChars ? [...entries.slice(start), revision].join(',') : undefined;
}

/** SetDeploymentRevision on a working copy; true when it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  if (d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return false;
  d.metadata.annotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: revision };
  return true;
}

/** ReplicaSetsByRevision: lowest revision first, then oldest. */
export function sortByRevision(sets: readonly ReplicaSet[], byCreation: (sets: readonly ReplicaSet[]) => ReplicaSet[]): ReplicaSet[] {
  return byCreation(sets).sort((a, b) => revisionOf(a) - revisionOf(b));
}
