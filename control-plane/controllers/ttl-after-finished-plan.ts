/**
 * The TTL-after-finished controller's decision (pkg/controller/ttlafterfinished, 1.32), without
 * I/O: a finished Job (Complete or Failed True) with spec.ttlSecondsAfterFinished expires that
 * many seconds after its finish time (the terminal condition's lastTransitionTime); it is
 * deleted then, or looked at again when the time comes.
 */
import type { Job } from '../../api/batch-v1';

export type TtlDecision =
  /** Not finished, no TTL, or already being deleted: nothing to do. */
  | { action: 'none' }
  | { action: 'wait'; afterMs: number }
  | { action: 'delete' };

/** The finish time (epoch ms) of a finished Job; undefined while it runs. */
export function finishTimeOf(job: Job): number | undefined {
  const condition = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!condition) return undefined;
  const time = Date.parse(condition.lastTransitionTime ?? '');
  return Number.isFinite(time) ? time : undefined;
}

/** needsCleanup and processTTL: whether the Job has expired at `now`. */
export function planTtl(job: Job, now: Date): TtlDecision {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || job.metadata.deletionTimestamp) return { action: 'none' };
  const finished = finishTimeOf(job);
  if (finished === undefined) return { action: 'none' };
  const remaining = finished + ttl * 1000 - now.getTime();
  return remaining <= 0 ? { action: 'delete' } : { action: 'wait', afterMs: remaining };
}
