/**
 * The arithmetic of a Deployment rollout, as pkg/controller/deployment (util/deployment_util.go
 * and rolling.go, 1.32): how far the new ReplicaSet may grow, how far the old ones may shrink,
 * and when a rollout counts as progressing, complete or timed out. Pure functions of defaulted
 * objects; the controller applies the numbers, including the proportional scaling of a
 * Deployment resized mid-rollout (getProportion, getReplicaSetFraction).
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

export const replicasOf = (d: Deployment): number => d.spec.replicas ?? 1;
export const isRollingUpdate = (d: Deployment): boolean => d.spec.strategy?.type === 'RollingUpdate';

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

export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 0;
const availableReplicas = (rs: ReplicaSet): number => rs.status?.availableReplicas ?? 0;
/** GetReplicaCountForReplicaSets: the sum of spec.replicas. */
export const totalReplicas = (sets: readonly ReplicaSet[]): number => sets.reduce((n, rs) => n + specReplicas(rs), 0);

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
export function sortByCreation(sets: readonly ReplicaSet[]): ReplicaSet[] {
  return [...sets].sort(byCreation);
}

function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** controller.ReplicaSetsBySizeNewer (scaling up): largest first, the newer of two equal sizes first. */
export function sortBySizeNewer(sets: readonly ReplicaSet[]): ReplicaSet[] {
  return [...sets].sort((a, b) => (specReplicas(a) === specReplicas(b) ? byCreation(b, a) : specReplicas(b) - specReplicas(a)));
}

/** controller.ReplicaSetsBySizeOlder (scaling down): largest first, the older of two equal sizes first. */
export function sortBySizeOlder(sets: readonly ReplicaSet[]): ReplicaSet[] {
  return [...sets].sort((a, b) => (specReplicas(a) === specReplicas(b) ? byCreation(a, b) : specReplicas(b) - specReplicas(a)));
}

/** controller.FilterActiveReplicaSets: those that want pods. */
export function activeReplicaSets(sets: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return sets.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

/** An int32 annotation as the controller reads it (strconv.ParseInt); undefined when absent or unparseable. */
function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const value = rs.metadata.annotations?.[key];
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

export const desiredReplicasAnnotation = (rs: ReplicaSet): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);

/** ReplicasAnnotationsNeedUpdate: desired-replicas and max-replicas differ from the Deployment's replicas and replicas + maxSurge. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  return a?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a?.[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** SetReplicasAnnotations on `rs` (mutated); true when anything changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  rs.metadata.annotations = { ...rs.metadata.annotations, [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) };
  return true;
}

/**
 * GetProportion: how many of `toAdd` replicas (negative: to remove) this ReplicaSet takes, by
 * its share of the Deployment's size before the resize (its max-replicas annotation), never
 * beyond what is left to distribute (`toAdd - added`).
 */
export function getProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** getReplicaSetFraction: round(rs.replicas × maxReplicas / maxReplicasBeforeScale) - rs.replicas (half away from zero). */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -specReplicas(rs);
  const maxNow = replicasOf(d) + maxSurge(d);
  // Without the annotation, the Deployment's current size; a zero divisor (which Kubernetes
  // divides by anyway) gives no share rather than an undefined one.
  const before = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
  if (before === 0) return 0;
  const size = (specReplicas(rs) * maxNow) / before;
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}

/**
 * FindActiveOrLatest: the one active ReplicaSet, or when none is active the new one (else the
 * newest old one); undefined when several are active.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = sortByCreation(oldRSs).reverse();
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
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
