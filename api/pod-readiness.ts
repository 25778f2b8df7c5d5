/**
 * Pod readiness and availability, as k8s.io/kubernetes/pkg/api/v1/pod (IsPodReady,
 * IsPodAvailable), which every workload controller counts by.
 */
import type { Pod, PodCondition } from './core-v1';

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * Ready for more than minReadySeconds at `now` (strictly: ready since T is available after
 * T + minReadySeconds). With minReadySeconds 0, ready is available; a ready condition without
 * a transition time never becomes available otherwise.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = podReadyCondition(pod)?.lastTransitionTime;
  if (!since) return false;
  return Date.parse(since) + minReadySeconds * 1000 < now.getTime();
}

/** controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}
