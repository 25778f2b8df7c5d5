/**
 * A Deployment's status and conditions, as pkg/controller/deployment (progress.go, sync.go,
 * util/deployment_util.go, 1.32) computes them, without I/O: the counts summed over its
 * ReplicaSets, Available (MinimumReplicasAvailable / MinimumReplicasUnavailable), Progressing
 * (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable,
 * ProgressDeadlineExceeded, DeploymentPaused / DeploymentResumed), ReplicaFailure copied from
 * the ReplicaSets, and when to look again for a deadline.
 */
import type { Deployment, DeploymentCondition, DeploymentConditionType, DeploymentStatus, ReplicaSet } from '../../api/apps-v1';
import type { ConditionStatus } from '../../api/core-v1';
import {
  deploymentComplete, deploymentProgressing, deploymentTimedOut, maxUnavailable, NEW_RS_AVAILABLE_REASON, replicasOf, TIMED_OUT_REASON, totalReplicas,
} from '../../api/deployment-rollout';
import { timestamp } from '../registry/object-meta';

export const REASON = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: NEW_RS_AVAILABLE_REASON,
  timedOut: TIMED_OUT_REASON,
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

const MAX_INT32 = 2 ** 31 - 1;

/** HasProgressDeadline: set and not MaxInt32. */
export function hasProgressDeadline(d: Deployment): boolean {
  const deadline = d.spec.progressDeadlineSeconds;
  return deadline != null && deadline !== MAX_INT32;
}

export function conditionOf(status: DeploymentStatus | undefined, type: DeploymentConditionType): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** NewDeploymentCondition: both times `now`. */
export function newCondition(type: DeploymentConditionType, status: ConditionStatus, reason: string, message: string, now: Date): DeploymentCondition {
  const at = timestamp(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/**
 * SetDeploymentCondition (mutates `status`): nothing when the status and reason are the same;
 * the transition time kept when only the reason changes; the condition moved to the end.
 */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = conditionOf(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: DeploymentConditionType): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

const sum = (sets: readonly ReplicaSet[], count: (rs: ReplicaSet) => number | undefined): number => sets.reduce((n, rs) => n + (count(rs) ?? 0), 0);

/** calculateStatus: counts over every ReplicaSet (spec sizes for unavailability), conditions carried over, Available set. */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): DeploymentStatus {
  const available = sum(allRSs, (rs) => rs.status?.availableReplicas);
  const status = withoutZeros({
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sum(allRSs, (rs) => rs.status?.replicas),
    updatedReplicas: newRS ? newRS.status?.replicas ?? 0 : 0,
    readyReplicas: sum(allRSs, (rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, totalReplicas(allRSs) - available),
  });
  if (d.status?.collisionCount != null) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.minimumAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON.minimumUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

type Counters = Required<Pick<DeploymentStatus, 'observedGeneration' | 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas'>>;

/** The counters without zeros, as Kubernetes' omitempty leaves them out (so a stored status compares equal). */
function withoutZeros(counters: Counters): DeploymentStatus {
  const status: DeploymentStatus = {};
  for (const [key, value] of Object.entries(counters) as [keyof Counters, number][]) if (value !== 0) status[key] = value;
  return status;
}

/** syncRolloutStatus's status: calculateStatus plus the progress estimate and the ReplicaSets' failures. */
export function rolloutStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): DeploymentStatus {
  const status = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = conditionOf(d.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) estimateProgress(d, status, newRS, current, now);
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  return status;
}

function estimateProgress(d: Deployment, status: DeploymentStatus, newRS: ReplicaSet | undefined, current: DeploymentCondition | undefined, now: Date): void {
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}"` : `Deployment "${d.metadata.name ?? ''}"`;
  if (deploymentComplete(d, status)) {
    setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`, now));
  } else if (deploymentProgressing(d, status)) {
    const condition = newCondition('Progressing', 'True', REASON.rsUpdated, `${subject} is progressing.`, now);
    if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
    // Progress moves lastUpdateTime even when the reason stays ReplicaSetUpdated.
    if (current) removeCondition(status, 'Progressing');
    setCondition(status, condition);
  } else if (deploymentTimedOut(d, status, now)) {
    setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, `${subject} has timed out progressing.`, now));
  }
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else the first of any other. */
function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  const failureOf = (rs: ReplicaSet | undefined): DeploymentCondition | undefined => {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    return c && { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  };
  return failureOf(newRS) ?? allRSs.map(failureOf).find((c) => c !== undefined);
}

/**
 * checkPausedConditions (mutates `status`): Progressing Unknown DeploymentPaused while paused,
 * DeploymentResumed once resumed; a timed-out condition is left as it is.
 */
export function setPausedCondition(d: Deployment, status: DeploymentStatus, now: Date): void {
  if (!hasProgressDeadline(d)) return;
  const current = conditionOf(status, 'Progressing');
  if (current?.reason === REASON.timedOut) return;
  const pausedShown = current?.reason === REASON.paused;
  if (d.spec.paused && !pausedShown) setCondition(status, newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', now));
  else if (!d.spec.paused && pausedShown) setCondition(status, newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', now));
}

/**
 * requeueStuckDeployment: while a rollout neither completes nor times out, look again when its
 * deadline passes (lastUpdateTime + progressDeadlineSeconds); undefined when nothing is pending.
 */
export function progressCheckInMs(d: Deployment, status: DeploymentStatus, now: Date): number | undefined {
  const current = conditionOf(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, status) || current.reason === REASON.timedOut) return undefined;
  const from = Date.parse(current.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  const after = from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  return after < 1000 ? 1000 : after + 1;
}
