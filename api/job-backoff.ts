/**
 * The delay before a Job replaces a failed pod (pkg/controller/job backoff_utils.go, 1.32):
 * 10 s after the first failure since the last success, doubling per further failure, capped at
 * 10 minutes. The Job docs say "capped at six minutes"; the controller's code
 * (MaxJobPodFailureBackOff = 10 * time.Minute) is what runs, and what this matches.
 */

export const DEFAULT_JOB_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_JOB_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

/** The full delay after `failures` consecutive failures (0 when there were none). */
export function podFailureBackoffMs(failures: number, baseMs = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS, maxMs = MAX_JOB_POD_FAILURE_BACKOFF_MS): number {
  if (failures <= 0) return 0;
  let delay = baseMs;
  for (let i = 1; i < failures; i++) {
    delay *= 2;
    if (delay >= maxMs) return maxMs;
  }
  return delay;
}

/**
 * getRemainingTimeForFailuresCount: what is left of that delay at `now`, counted from the last
 * failure; 0 once it has passed. Time comes in as arguments, so callers and tests control it.
 */
export function remainingPodFailureBackoffMs(failures: number, lastFailureTime: Date | undefined, now: Date): number {
  const delay = podFailureBackoffMs(failures);
  if (delay === 0 || !lastFailureTime) return 0;
  const elapsed = now.getTime() - lastFailureTime.getTime();
  return delay < elapsed ? 0 : delay - elapsed;
}
