/**
 * Job defaults, as SetDefaults_Job (pkg/apis/batch/v1/defaults.go, 1.32, JobPodReplacementPolicy
 * on as by default), and the selector the Job REST strategy generates on create.
 *
 * - completions and parallelism both unset: both 1. Only parallelism unset: parallelism 1.
 *   Parallelism set without completions leaves completions unset (a work-queue job).
 * - backoffLimit 6, or MaxInt32 when backoffLimitPerIndex is set (the per-index limit rules).
 * - The job's labels default to the template's labels when the job has none.
 * - completionMode NonIndexed, suspend false, manualSelector false, podReplacementPolicy
 *   TerminatingOrFailed (Failed when a podFailurePolicy is set), onPodConditions status "True".
 */
import type { Job, JobSpec, PodFailurePolicy } from '../batch-v1';
import {
  JOB_CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_JOB_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL,
} from '../batch-v1';
import { defaultPodTemplateSpec } from './pod-defaults';

export const DEFAULT_BACKOFF_LIMIT = 6;
const MAX_INT32 = 2 ** 31 - 1;

/** Returns a defaulted copy. */
export function defaultJob(job: Job): Job {
  const out = structuredClone(job);
  const spec: JobSpec = (out.spec ??= {} as JobSpec);
  defaultCounts(spec);
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(out.metadata?.labels ?? {}).length === 0) out.metadata = { ...out.metadata, labels: { ...templateLabels } };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  defaultPodFailurePolicy(spec.podFailurePolicy);
  spec.template = defaultPodTemplateSpec(spec.template);
  return out;
}

function defaultCounts(spec: JobSpec): void {
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? MAX_INT32 : DEFAULT_BACKOFF_LIMIT;
}

/** SetDefaults_PodFailurePolicyOnPodConditionsPattern, which also applies inside a CronJob. */
export function defaultPodFailurePolicy(policy: PodFailurePolicy | undefined): void {
  for (const rule of policy?.rules ?? []) for (const pattern of rule.onPodConditions ?? []) pattern.status ||= 'True';
}

/**
 * The Job strategy's PrepareForCreate (pkg/registry/batch/job/strategy.go generateSelector),
 * for a job whose manualSelector is not true and whose uid is assigned: the template gets the
 * job-name and controller-uid labels (both the batch.kubernetes.io/ and legacy keys) unless it
 * sets them itself, and the selector gains matchLabels batch.kubernetes.io/controller-uid=<uid>.
 * A conflicting user label is left for validation to refuse. Returns a copy.
 */
export function withGeneratedSelector(job: Job): Job {
  if (job.spec?.manualSelector === true) return job;
  const out = structuredClone(job);
  const name = out.metadata.name ?? '';
  const uid = out.metadata.uid ?? '';
  const template = (out.spec.template ??= { spec: { containers: [] } });
  const labels = ((template.metadata ??= {}).labels ??= {});
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) labels[key] ??= name;
  for (const key of [LEGACY_JOB_CONTROLLER_UID_LABEL, JOB_CONTROLLER_UID_LABEL]) labels[key] ??= uid;
  const matchLabels = ((out.spec.selector ??= {}).matchLabels ??= {});
  matchLabels[JOB_CONTROLLER_UID_LABEL] ??= uid;
  return out;
}
