/**
 * Which pod the kubelet evicts first under node pressure (eviction/helpers.go
 * rankMemoryPressure and rankDiskPressureFunc): pods whose usage of the starved resource
 * exceeds their request come first (so BestEffort pods, requesting nothing, before pods
 * within their requests), then lower priority first, then the larger usage above the request
 * first. Pods whose usage could not be measured go first of all, as on a kubelet. Critical
 * pods (priority ≥ 2000000000, system-cluster-critical and above) are never evicted.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#pod-selection-for-kubelet-eviction
 */
import type { Pod } from '../../api/core-v1';
import { podRequests } from '../../api/pod-resources';

export type ReclaimResource = 'memory' | 'ephemeral-storage';

/** Priority of system-critical pods (scheduling.SystemCriticalPriority). */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

export interface PodUsage {
  pod: Pod;
  /** Bytes of the resource each running container uses, by container name; undefined when not measured. */
  containers: ReadonlyMap<string, number> | undefined;
  /** Bytes the pod uses outside its containers (its disk-backed emptyDirs for ephemeral-storage). */
  podLevelBytes: number;
}

export function isCriticalPod(pod: Pod): boolean {
  return (pod.spec.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY;
}

/** The pod's total use; undefined when not measured. */
export function totalBytes(u: PodUsage): number | undefined {
  if (!u.containers) return undefined;
  return [...u.containers.values()].reduce((a, b) => a + b, u.podLevelBytes);
}

function requestOf(pod: Pod, resource: ReclaimResource): number {
  return podRequests(pod)[resource] ?? 0;
}

type Compare = (a: PodUsage, b: PodUsage) => number;

function exceedsRequests(resource: ReclaimResource): Compare {
  const exceeds = (u: PodUsage): boolean => (totalBytes(u) ?? 0) > requestOf(u.pod, resource);
  return (a, b) => {
    if (!a.containers || !b.containers) return Number(!b.containers) - Number(!a.containers);
    return Number(exceeds(b)) - Number(exceeds(a));
  };
}

const byPriority: Compare = (a, b) => (a.pod.spec.priority ?? 0) - (b.pod.spec.priority ?? 0);

function byUsageAboveRequest(resource: ReclaimResource): Compare {
  const above = (u: PodUsage): number => (totalBytes(u) ?? 0) - requestOf(u.pod, resource);
  return (a, b) => above(b) - above(a);
}

/** The pods in eviction order (first = next to evict), critical pods left out. */
export function rankForEviction(usages: readonly PodUsage[], resource: ReclaimResource): PodUsage[] {
  const order = [exceedsRequests(resource), byPriority, byUsageAboveRequest(resource)];
  const compare: Compare = (a, b) => order.reduce((result, cmp) => result || cmp(a, b), 0);
  return usages.filter((u) => !isCriticalPod(u.pod)).sort(compare);
}
