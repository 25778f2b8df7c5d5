/**
 * The arithmetic of a Deployment rollout, as pkg/controller/deployment (util/deployment_util.go
 * and rolling.go, 1.32): how far the new ReplicaSet may grow, how far the old ones may shrink,
 * and when a rollout counts as progressing, complete or timed out. Pure functions of defaulted
 * objects; the controller applies the numbers. Proportional scaling of a Deployment resized
 * mid-rollout (getProportion) is not here yet.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from './apps-v1';
import { resolveFenceposts, getScaledValueFromIntOrPercent } from './int-or-percent';

/** Annotations the Deployment controller keeps on itself and its ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** Progressing condition reasons. */
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';

const MAX_INT32 = 2 ** 31 - 1;

const replicasOf = (d: Deployment): number => d.spec.replicas ?? 1;
const isRollingUpdate = (d: Deployment): boolean => d.spec.strategy?.type === 'RollingUpdate';

function fenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const r = d.spec.strategy?.rollingUpdate;
  const resolved = resolveFenceposts(r?.maxSurge, r?.maxUnavailable, replicasOf(d));
  return resolved.ok ? resolved : { maxSurge: 0, maxUnavailable: 0 };
}

/** MaxUnavailable: 0 unless rolling with replicas; never more than the replicas. */
export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicasOf(d) === 0) return 0;
  return Math.min(fenceposts(d).maxUnavailable, replicasOf(d));
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).maxSurge : 0;
}

/** MinAvailable: replicas - maxUnavailable for a rolling update, else 0. */
export function minAvailable(d: Deployment): number {
  return isRollingUpdate(d) ? replicasOf(d) - maxUnavailable(d) : 0;
}

const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 0;
const availableReplicas = (rs: ReplicaSet): number => rs.status?.availableReplicas ?? 0;
const totalReplicas = (sets: readonly ReplicaSet[]): number => sets.reduce((n, rs) => n + specReplicas(rs), 0);

/**
 * NewRSNewReplicas: Recreate jumps to the desired count; RollingUpdate grows the new ReplicaSet
 * while all pods stay within replicas + maxSurge, never past the desired count. A new ReplicaSet
 * already at or above the desired count is the caller's case (reconcileNewReplicaSet sets it to
 * the desired count); here it keeps its size when nothing can grow, as NewRSNewReplicas does.
 */
export function newReplicaSetReplicas(d: Deployment, allReplicaSets: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (d.spec.strategy?.type === 'Recreate') return replicasOf(d);
  const surge = getScaledValueFromIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, replicasOf(d), true);
  const maxTotal = replicasOf(d) + (surge.ok ? surge.value : 0);
  const current = totalReplicas(allReplicaSets);
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, replicasOf(d) - specReplicas(newRS));
}

/**
 * reconcileOldReplicaSets: the new sizes of old ReplicaSets for one rolling-update step, oldest
 * first. At most allPods - minAvailable - (new RS pods not yet available) pods go; unhealthy ones
 * (replicas beyond the available count) first, then available ones while availability stays
 * above minAvailable. Returns only the ReplicaSets whose size changes, by name.
 */
export function planOldReplicaSetScaleDown(d: Deployment, newRS: ReplicaSet, oldReplicaSets: readonly ReplicaSet[]): Map<string, number> {
  const sizes = new Map<string, number>();
  const old = sortByCreation(oldReplicaSets);
  if (totalReplicas(old) === 0) return sizes;
  const budget = totalReplicas([...old, newRS]) - minAvailable(d) - (specReplicas(newRS) - availableReplicas(newRS));
  if (budget <= 0) return sizes;
  const size = (rs: ReplicaSet): number => sizes.get(rs.metadata.name ?? '') ?? specReplicas(rs);
  let cleaned = 0;
  for (const rs of old) {
    const unhealthy = Math.max(0, size(rs) - availableReplicas(rs));
    const n = Math.min(budget - cleaned, unhealthy);
    if (n > 0) sizes.set(rs.metadata.name ?? '', size(rs) - n);
    cleaned += Math.max(0, n);
  }
  let toScaleDown = [...old, newRS].reduce((n, rs) => n + availableReplicas(rs), 0) - minAvailable(d);
  for (const rs of old) {
    const n = Math.min(size(rs), Math.max(0, toScaleDown));
    if (n > 0) sizes.set(rs.metadata.name ?? '', size(rs) - n);
    toScaleDown -= n;
  }
  return sizes;
}

/** controller.ReplicaSetsByCreationTimestamp: oldest first, then by name. */
function sortByCreation(sets: readonly ReplicaSet[]): ReplicaSet[] {
  const key = (rs: ReplicaSet): string => rs.metadata.creationTimestamp ?? '';
  return [...sets].sort((a, b) => (key(a) === key(b) ? (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '') : key(a) < key(b) ? -1 : 1));
}

/** DeploymentComplete: every desired replica updated and available, no old ones, this generation observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const r = replicasOf(d);
  return status.updatedReplicas === r && status.replicas === r && status.availableReplicas === r && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available pods than before, or fewer old ones. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const before = d.status ?? {};
  const oldPods = (s: DeploymentStatus): number => (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (status.updatedReplicas ?? 0) > (before.updatedReplicas ?? 0)
    || oldPods(status) < oldPods(before)
    || (status.readyReplicas ?? 0) > (before.readyReplicas ?? 0)
    || (status.availableReplicas ?? 0) > (before.availableReplicas ?? 0);
}

/**
 * DeploymentTimedOut: the Progressing condition's lastUpdateTime is more than
 * progressDeadlineSeconds before `now` (strictly), unless the rollout already completed
 * (NewReplicaSetAvailable); a condition already ProgressDeadlineExceeded stays timed out.
 */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  const deadline = d.spec.progressDeadlineSeconds;
  if (deadline == null || deadline === MAX_INT32) return false;
  const condition = progressingCondition(status);
  if (!condition || condition.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (condition.reason === TIMED_OUT_REASON) return true;
  const from = Date.parse(condition.lastUpdateTime ?? '');
  return !Number.isNaN(from) && from + deadline * 1000 < now.getTime();
}

function progressingCondition(status: DeploymentStatus): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === 'Progressing');
}

/**
 * IsSaturated: the new ReplicaSet has, wants and has available exactly the Deployment's
 * replicas (its desired-replicas annotation included).
 */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (desired === undefined || !/^[+-]?\d+$/.test(desired)) return false;
  const r = replicasOf(d);
  return specReplicas(rs) === r && Number(desired) === r && availableReplicas(rs) === r;
}
