/**
 * Job status-subresource validation (pkg/apis/batch/validation validateJobStatus, 1.32): the
 * counters are non-negative, and each uid in uncountedTerminatedPods is non-empty and listed
 * once across succeeded and failed. What the job controller writes through /status is checked
 * by these; the spec is not revalidated. The JobManagedBy transition rules of 1.32
 * (JobStatusValidationOptions) are not checked.
 */
import type { Job } from '../batch-v1';
import { child, index } from './field-path';
import { duplicate, invalid, type FieldCause } from './field-errors';
import { validateNonnegative, validateObjectMetaUpdate } from './object-meta';

const STATUS = 'status';
const COUNTERS = ['active', 'succeeded', 'failed', 'ready', 'terminating'] as const;

export function validateJobStatusUpdate(next: Job, old: Job): FieldCause[] {
  const status = next.status ?? {};
  const causes = validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {});
  for (const counter of COUNTERS) {
    const value = status[counter];
    if (value !== undefined) causes.push(...validateNonnegative(value, child(STATUS, counter)));
  }
  return [...causes, ...uncountedUids(next)];
}

function uncountedUids(job: Job): FieldCause[] {
  const uncounted = job.status?.uncountedTerminatedPods;
  const path = child(STATUS, 'uncountedTerminatedPods');
  const seen = new Set<string>();
  const causes: FieldCause[] = [];
  for (const list of ['succeeded', 'failed'] as const) {
    (uncounted?.[list] ?? []).forEach((uid, i) => {
      const at = index(child(path, list), i);
      if (uid === '') causes.push(invalid(at, uid, 'must not be empty'));
      else if (seen.has(uid)) causes.push(duplicate(at, uid));
      else seen.add(uid);
    });
  }
  return causes;
}
