/**
 * CronJob validation (pkg/apis/batch/validation ValidateCronJobCreate / ValidateCronJobUpdate,
 * 1.32), for a defaulted CronJob. The schedule is parsed with ParseStandard's grammar and
 * robfig's error messages (see cron-schedule.ts and cron-fields.ts). TZ= or CRON_TZ=
 * in the schedule is refused on create (use spec.timeZone), tolerated on update only if the
 * old schedule had it. spec.timeZone must be an IANA zone the runtime knows, not "Local".
 */
import type { CronJob, CronJobSpec, JobTemplateSpec } from '../batch-v1';
import { isKnownTimeZone, parseCronSchedule } from '../cron-schedule';
import { child } from './field-path';
import { invalid, invalidGo, notSupported, notSupportedGo, required, type FieldCause } from './field-errors';
import { goLabelSelector } from './go-values';
import { validateJobSpec } from './job-validation';
import { nameIsDNSSubdomain } from './names';
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

const SPEC = 'spec';
/** The controller appends `-<11 digits>` to name Jobs, and Job names are DNS-1035-length labels. */
const MAX_NAME_LENGTH = 52;
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

export function validateCronJob(cronJob: CronJob): FieldCause[] {
  const causes = [...validateObjectMeta(cronJob.metadata ?? {}, true, nameIsDNSSubdomain), ...validateCronJobSpec(cronJob.spec ?? ({} as CronJobSpec), undefined)];
  const name = cronJob.metadata?.name ?? '';
  if (name.length > MAX_NAME_LENGTH) causes.push(invalid('metadata.name', name, `must be no more than ${MAX_NAME_LENGTH} characters`));
  return causes;
}

/** The 52-character name limit is not applied on update, so older CronJobs can still be changed. */
export function validateCronJobUpdate(next: CronJob, old: CronJob): FieldCause[] {
  return [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validateCronJobSpec(next.spec ?? ({} as CronJobSpec), old.spec)];
}

function validateCronJobSpec(spec: CronJobSpec, oldSpec: CronJobSpec | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!spec.schedule) causes.push(required(child(SPEC, 'schedule')));
  else causes.push(...validateSchedule(spec, (oldSpec?.schedule ?? '').includes('TZ')));
  if (spec.startingDeadlineSeconds != null) causes.push(...validateNonnegative(spec.startingDeadlineSeconds, child(SPEC, 'startingDeadlineSeconds')));
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) causes.push(...validateTimeZone(spec.timeZone, child(SPEC, 'timeZone')));
  causes.push(...validateConcurrencyPolicy(spec.concurrencyPolicy ?? ''));
  causes.push(...validateJobTemplate(spec.jobTemplate, child(SPEC, 'jobTemplate')));
  for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
    if (spec[f] != null) causes.push(...validateNonnegative(spec[f] as number, child(SPEC, f)));
  }
  return causes;
}

function validateSchedule(spec: CronJobSpec, allowTimeZoneInSchedule: boolean): FieldCause[] {
  const path = child(SPEC, 'schedule');
  const causes: FieldCause[] = [];
  const parsed = parseCronSchedule(spec.schedule);
  if (!parsed.ok) causes.push(invalid(path, spec.schedule, parsed.error));
  const hasTimeZone = spec.schedule.includes('TZ');
  if (allowTimeZoneInSchedule && hasTimeZone && spec.timeZone != null) causes.push(invalid(path, spec.schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  if (!allowTimeZoneInSchedule && hasTimeZone) causes.push(invalid(path, spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return causes;
}

/** Kubernetes prints the *string pointer's target as a quoted string. */
function validateTimeZone(timeZone: string | undefined, path: string): FieldCause[] {
  if (timeZone == null) return [];
  if (timeZone === '') return [invalid(path, timeZone, 'timeZone must be nil or non-empty string')];
  const badPart = timeZone.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part));
  if (badPart) return [invalid(path, timeZone, `unknown time zone ${timeZone}`)];
  const causes: FieldCause[] = [];
  if (timeZone.toLowerCase() === 'local') causes.push(invalid(path, timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!isKnownTimeZone(timeZone)) causes.push(invalid(path, timeZone, `unknown time zone ${timeZone}`));
  return causes;
}

function validateConcurrencyPolicy(policy: string): FieldCause[] {
  const path = child(SPEC, 'concurrencyPolicy');
  if (policy === '') return [required(path)];
  return CONCURRENCY_POLICIES.includes(policy) ? [] : [notSupported(path, policy, CONCURRENCY_POLICIES)];
}

/** ValidateJobTemplateSpec: a valid JobSpec whose selector is left to be generated. */
function validateJobTemplate(template: JobTemplateSpec | undefined, path: string): FieldCause[] {
  const spec = template?.spec ?? ({} as JobTemplateSpec['spec']);
  const causes = validateJobSpec(spec, child(path, 'spec'));
  if (spec.selector) causes.push(invalidGo(child(path, 'spec.selector'), goLabelSelector(spec.selector), '`selector` will be auto-generated'));
  if (spec.manualSelector === true) causes.push(notSupportedGo(child(path, 'spec.manualSelector'), 'true', ['nil', 'false']));
  return causes;
}
