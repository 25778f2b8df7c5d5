/**
 * The `DisruptionTarget` pod condition a control-plane component sets on a pod before it
 * deletes it (GA in Kubernetes 1.31), and the kubelet on a pod it evicts under node pressure
 * (`TerminationByKubelet`): the eviction API (`EvictionByEvictionAPI`), the
 * taint-eviction controller (`DeletionByTaintManager`) and the pod garbage collector
 * (`DeletionByPodGC`). Written as apipod.UpdatePodCondition does:
 * the transition time moves only when the status changes, and nothing is written when the
 * condition is already there as asked.
 * https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions
 */
import type { PodCondition, PodStatus } from './core-v1';
import { metaTime } from './meta-time';

export const DISRUPTION_TARGET = 'DisruptionTarget';

export interface DisruptionCause {
  reason: string;
  message: string;
}

export const DELETION_BY_TAINT_MANAGER: DisruptionCause = { reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
export const EVICTION_BY_EVICTION_API: DisruptionCause = { reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
export const DELETION_BY_POD_GC: DisruptionCause = { reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' };

/** The kubelet's eviction manager ending a pod under node pressure: the eviction message is the condition's. */
export function terminationByKubelet(message: string): DisruptionCause {
  return { reason: 'TerminationByKubelet', message };
}

/** The pod's status with the condition True for `cause`; undefined when it is already so. */
export function withDisruptionTarget(status: PodStatus | undefined, cause: DisruptionCause, now: Date): PodStatus | undefined {
  const conditions = status?.conditions ?? [];
  const old = conditions.find((c) => c.type === DISRUPTION_TARGET);
  if (old && old.status === 'True' && old.reason === cause.reason && old.message === cause.message) return undefined;
  const transition = old?.status === 'True' && old.lastTransitionTime ? old.lastTransitionTime : metaTime(now);
  const condition: PodCondition = { type: DISRUPTION_TARGET, status: 'True', lastProbeTime: null, lastTransitionTime: transition, ...cause };
  const next = old ? conditions.map((c) => (c === old ? condition : c)) : [...conditions, condition];
  return { ...structuredClone(status), conditions: next };
}

