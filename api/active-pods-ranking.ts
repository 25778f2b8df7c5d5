/**
 * Which pods a ReplicaSet deletes first when it scales down: controller.ActivePodsWithRanks of
 * Kubernetes 1.32 (PodDeletionCost and LogarithmicScaleDown on, as by default), the pods sorted
 * so that the first ones are the preferred victims:
 *   1. unassigned < assigned
 *   2. Pending < Unknown < Running
 *   3. not ready < ready
 *   4. lower controller.kubernetes.io/pod-deletion-cost < higher
 *   5. more active related pods on the same node < fewer ("doubled up" first)
 *   6. ready for a shorter time < longer (compared on a log2 scale of the age at `now`)
 *   7. higher max container restart count < lower
 *   8. created later < earlier (log2 scale too); ties on the log scale broken by uid
 */
import type { Pod } from './core-v1';
import { isPodActive, isPodReady, podReadyCondition } from './pod-readiness';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * getPodsToDelete: the `count` pods to delete, best victims first. `relatedPods` (all pods of
 * the owner's ReplicaSets, usually a superset) give each pod its rank: the number of active
 * related pods on its node. The input is not reordered.
 */
export function podsToDelete(pods: readonly Pod[], relatedPods: readonly Pod[], count: number, now: Date): Pod[] {
  if (count >= pods.length) return [...pods];
  return rankPodsForDeletion(pods, relatedPods, now).slice(0, count);
}

export function rankPodsForDeletion(pods: readonly Pod[], relatedPods: readonly Pod[], now: Date): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of relatedPods) if (isPodActive(p)) perNode.set(p.spec.nodeName ?? '', (perNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: perNode.get(pod.spec.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.map((r) => r.pod);
}

interface RankedPod {
  pod: Pod;
  rank: number;
}

/** Negative when `a` should be deleted before `b`. A chain of rules; the first that differs decides. */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: Date): number {
  for (const rule of RULES) {
    const d = rule(a, b, now);
    if (d !== 0) return d;
  }
  return 0;
}

type Rule = (a: RankedPod, b: RankedPod, now: Date) => number;

const compareStrings = (x: string, y: string): number => (x === y ? 0 : x < y ? -1 : 1);
const byBool = (x: boolean, y: boolean): number => (x === y ? 0 : x ? -1 : 1);
const byNumber = (x: number, y: number): number => (x === y ? 0 : x < y ? -1 : 1);

const RULES: Rule[] = [
  (a, b) => byBool(!a.pod.spec.nodeName, !b.pod.spec.nodeName),
  (a, b) => byNumber(PHASE_ORDINAL[a.pod.status?.phase ?? ''] ?? 0, PHASE_ORDINAL[b.pod.status?.phase ?? ''] ?? 0),
  (a, b) => byBool(!isPodReady(a.pod), !isPodReady(b.pod)),
  (a, b) => byNumber(deletionCost(a.pod), deletionCost(b.pod)),
  (a, b) => byNumber(b.rank, a.rank),
  (a, b, now) => (isPodReady(a.pod) && isPodReady(b.pod) ? byTime(readyTime(a.pod), readyTime(b.pod), a.pod, b.pod, now) : 0),
  (a, b) => byNumber(maxRestarts(b.pod), maxRestarts(a.pod)),
  (a, b, now) => byTime(time(a.pod.metadata.creationTimestamp), time(b.pod.metadata.creationTimestamp), a.pod, b.pod, now),
];

/** Zero (unknown) times first, then later before earlier, bucketed by log2 of their age. */
function byTime(t1: number | undefined, t2: number | undefined, a: Pod, b: Pod, now: Date): number {
  if (t1 === t2) return 0;
  if (t1 === undefined || t2 === undefined) return t1 === undefined ? -1 : 1;
  const diff = logRank(now.getTime() - t1) - logRank(now.getTime() - t2);
  if (diff === 0) return compareStrings(a.metadata.uid ?? '', b.metadata.uid ?? '');
  return diff < 0 ? -1 : 1;
}

/** logarithmicRankDiff's rank: floor(log2(age in ns)), -1 for an age that is not positive. */
function logRank(ageMs: number): number {
  return ageMs > 0 ? Math.floor(Math.log2(ageMs * 1e6)) : -1;
}

function time(stamp: string | undefined): number | undefined {
  if (!stamp) return undefined;
  const t = Date.parse(stamp);
  return Number.isNaN(t) ? undefined : t;
}

function readyTime(pod: Pod): number | undefined {
  return time(podReadyCondition(pod)?.lastTransitionTime);
}

/**
 * GetDeletionCostFromPodAnnotations: an int32 in decimal, without a '+' or leading zeros
 * ("008" is refused); absent or invalid counts as 0.
 */
function deletionCost(pod: Pod): number {
  const raw = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^(0|-\d+|[1-9]\d*)$/.test(raw)) return 0;
  const n = Number(raw);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

/** maxContainerRestarts: the highest restart count among the regular containers (init containers do not count). */
function maxRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((max, s) => Math.max(max, s.restartCount ?? 0), 0);
}
