/**
 * CronJob defaults, as SetDefaults_CronJob (pkg/apis/batch/v1/defaults.go, 1.32):
 * concurrencyPolicy Allow, suspend false, successfulJobsHistoryLimit 3, failedJobsHistoryLimit 1.
 * The jobTemplate's JobSpec fields are NOT defaulted (SetDefaults_Job applies to Job objects
 * only; the Job gets them when the controller creates it), but its pod template gets the
 * pod-spec defaults and its podFailurePolicy patterns their status, as the generated defaulters
 * walk into them. Returns a defaulted copy.
 */
import type { CronJob, CronJobSpec } from '../batch-v1';
import { defaultPodFailurePolicy } from './job-defaults';
import { defaultPodTemplateSpec } from './pod-defaults';

export function defaultCronJob(cronJob: CronJob): CronJob {
  const out = structuredClone(cronJob);
  const spec: CronJobSpec = (out.spec ??= {} as CronJobSpec);
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = ((spec.jobTemplate ??= { spec: {} as CronJobSpec['jobTemplate']['spec'] }).spec ??= {} as CronJobSpec['jobTemplate']['spec']);
  defaultPodFailurePolicy(jobSpec.podFailurePolicy);
  jobSpec.template = defaultPodTemplateSpec(jobSpec.template);
  return out;
}
