/**
 * Clean-up of stale DisruptionTarget conditions (the disruption controller's
 * syncStalePodDisruption, 1.32), pure: a pod marked for disruption (True) that is still not
 * being deleted 2 minutes after the mark — its eviction's deletion never happened, say the
 * control plane died in between — gets the condition back to False. Conditions set by the
 * kubelet (TerminationByKubelet) and pods in a terminal phase are left alone.
 */
import type { Pod } from '../../api/core-v1';
import { metaTime } from '../../api/disruption-budget';

/** stalePodDisruptionTimeout. */
export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;
const DISRUPTION_TARGET = 'DisruptionTarget';

export type StalePlan =
  /** Nothing to clean. */
  | { action: 'none' }
  /** Look again when the mark is 2 minutes old. */
  | { action: 'wait'; afterMs: number }
  /** Write this pod's status (DisruptionTarget False). */
  | { action: 'clear'; pod: Pod };

/** nonTerminatingPodHasStaleDisruptionCondition, and the cleared pod when it is due. `pod` is not changed. */
export function planStalePodDisruption(pod: Pod, now: Date): StalePlan {
  const condition = pod.status?.conditions?.find((c) => c.type === DISRUPTION_TARGET);
  const phase = pod.status?.phase;
  if (pod.metadata.deletionTimestamp || condition?.status !== 'True' || condition.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') {
    return { action: 'none' };
  }
  const markedAt = Date.parse(condition.lastTransitionTime ?? '');
  const waitMs = Number.isNaN(markedAt) ? 0 : markedAt + STALE_POD_DISRUPTION_TIMEOUT_MS - now.getTime();
  if (waitMs > 0) return { action: 'wait', afterMs: waitMs };
  const conditions = (pod.status?.conditions ?? []).map((c) => (c === condition ? { ...c, status: 'False' as const, lastTransitionTime: metaTime(now) } : c));
  return { action: 'clear', pod: { ...pod, status: { ...pod.status, conditions } } };
}
