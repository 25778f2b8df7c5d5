/**
 * The CronJob controller's decisions (pkg/controller/cronjob, the v2 controller of 1.32),
 * without I/O, in the order syncCronJob takes them:
 *  1. `historyVictims`: finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit,
 *     oldest first (cleanupFinishedJobs);
 *  2. `activeChecks` then `reconcileActive`: status.active follows the Jobs (finished ones leave
 *     it, SawCompletedJob; vanished ones leave it, MissingJob; unfinished Jobs it does not list
 *     are reported, UnexpectedJob), lastSuccessfulTime follows completions;
 *  3. `planSchedule`: whether a Job starts now, for which scheduled time, replacing which active
 *     Jobs, or why not (suspended, deadline missed, Forbid), and when to look again.
 * The arithmetic of schedules is api/cron-schedule.ts.
 */
import type { CronJob, CronJobStatus, Job, JobConditionType } from '../../api/batch-v1';
import type { ObjectReference } from '../../api/core-v1';
import { isKnownTimeZone, nextScheduleDelayMs, nextScheduleTime, isTooLate, jobNameForSchedule, parseCronSchedule } from '../../api/cron-schedule';
import { timestamp } from '../registry/object-meta';
import { formatRfc3339InZone, formatRfc1123z } from './cron-job-time-format';
import { controllerOf, controllerReference } from './framework/owner-references';

/** Set on each Job the controller creates: the scheduled time, RFC 3339 in the CronJob's zone. */
export const CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** getJobsToBeReconciled: the namespace's Jobs whose controller reference names the CronJob (by name, as Kubernetes). */
export function jobsOf(cronJob: CronJob, jobs: readonly Job[]): Job[] {
  return jobs.filter((job) => controllerOf(job)?.name === cronJob.metadata.name);
}

/** getFinishedStatus: Complete or Failed when that condition is True. */
export function finishedAs(job: Job): JobConditionType | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
}

/** cleanupFinishedJobs: the finished Jobs beyond each history limit, oldest first. */
export function historyVictims(cronJob: CronJob, jobs: readonly Job[]): Job[] {
  const { successfulJobsHistoryLimit: succeeded, failedJobsHistoryLimit: failed } = cronJob.spec;
  return [
    ...oldestBeyond(jobs.filter((j) => finishedAs(j) === 'Complete'), succeeded),
    ...oldestBeyond(jobs.filter((j) => finishedAs(j) === 'Failed'), failed),
  ];
}

function oldestBeyond(jobs: Job[], limit: number | undefined): Job[] {
  if (limit == null || jobs.length <= limit) return [];
  return [...jobs].sort(byStartTime).slice(0, jobs.length - limit);
}

/** byJobStartTime: started Jobs first, earliest first; ties and unstarted ones by name. */
export function byStartTime(a: Job, b: Job): number {
  const [sa, sb] = [a.status?.startTime, b.status?.startTime];
  if (sa && !sb) return -1;
  if (!sa && sb) return 1;
  const diff = sa && sb ? Date.parse(sa) - Date.parse(sb) : 0;
  if (diff !== 0) return diff;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
}

/** What the cache alone cannot tell: each needs a fresh read before `reconcileActive`. */
export interface ActiveChecks {
  /** Unfinished Jobs of the CronJob that status.active does not list (is a fresh CronJob listing them?). */
  unlisted: Job[];
  /** Entries of status.active with no Job in the cache (is the Job really gone?). */
  unseen: ObjectReference[];
}

export function activeChecks(cronJob: CronJob, jobs: readonly Job[]): ActiveChecks {
  const uids = new Set(jobs.map((j) => j.metadata.uid));
  return {
    unlisted: jobs.filter((j) => !inActive(cronJob.status, j.metadata.uid) && !finishedAs(j)),
    unseen: (cronJob.status?.active ?? []).filter((ref) => !uids.has(ref.uid)),
  };
}

/** The answers to the fresh reads. */
export interface ActiveFacts {
  /** The fresh CronJob's status.active (for the unlisted Jobs); undefined when none was read. */
  freshActive?: readonly ObjectReference[];
  /** uids of unseen entries whose Job the API answered NotFound. */
  gone: ReadonlySet<string>;
}

export interface ActiveOutcome {
  status: CronJobStatus;
  events: CronJobEvent[];
}

/** The first half of syncCronJob: status.active and lastSuccessfulTime from the Jobs. */
export function reconcileActive(cronJob: CronJob, jobs: readonly Job[], facts: ActiveFacts): ActiveOutcome {
  const status: CronJobStatus = structuredClone(cronJob.status ?? {});
  const events: CronJobEvent[] = [];
  for (const job of jobs) observeJob(status, job, facts, events);
  for (const ref of cronJob.status?.active ?? []) {
    if (!facts.gone.has(ref.uid ?? '')) continue;
    events.push({ type: 'Normal', reason: 'MissingJob', message: `Active job went missing: ${ref.name ?? ''}` });
    removeActive(status, ref.uid);
  }
  return { status, events };
}

function observeJob(status: CronJobStatus, job: Job, facts: ActiveFacts, events: CronJobEvent[]): void {
  const name = job.metadata.name ?? '';
  const finished = finishedAs(job);
  const listed = inActive(status, job.metadata.uid);
  if (!finished && !listed) {
    const fresh = facts.freshActive?.find((ref) => ref.uid === job.metadata.uid);
    if (fresh) status.active = [...(status.active ?? []), fresh];
    else events.push({ type: 'Warning', reason: 'UnexpectedJob', message: `Saw a job that the controller did not create or forgot: ${name}` });
    return;
  }
  if (!finished) return;
  if (listed) {
    removeActive(status, job.metadata.uid);
    events.push({ type: 'Normal', reason: 'SawCompletedJob', message: `Saw completed job: ${name}, condition: ${finished}` });
  }
  if (finished === 'Complete') noteSuccess(status, job.status?.completionTime);
}

function noteSuccess(status: CronJobStatus, completionTime: string | undefined): void {
  if (completionTime === undefined) return;
  if (!status.lastSuccessfulTime || Date.parse(completionTime) > Date.parse(status.lastSuccessfulTime)) status.lastSuccessfulTime = completionTime;
}

export function inActive(status: CronJobStatus | undefined, uid: string | undefined): boolean {
  return (status?.active ?? []).some((ref) => ref.uid === uid);
}

/** deleteFromActiveList (an emptied list is omitted, as `active,omitempty` writes it). */
export function removeActive(status: CronJobStatus, uid: string | undefined): void {
  const active = (status.active ?? []).filter((ref) => ref.uid !== uid);
  if (active.length > 0) status.active = active;
  else delete status.active;
}

/** getRef: the reference status.active holds for a Job. */
export function jobReference(job: Job): ObjectReference {
  const { name, namespace, uid, resourceVersion } = job.metadata;
  return { kind: 'Job', namespace, name, uid, apiVersion: 'batch/v1', resourceVersion };
}

export type ScheduleDecision =
  /** Nothing starts now; look again after `requeueAfterMs` (undefined: only when something changes). */
  | { start: false; requeueAfterMs?: number; events: CronJobEvent[] }
  /** Start the Job for `scheduledTime`, deleting `replace` (concurrencyPolicy Replace) first. */
  | { start: true; scheduledTime: Date; job: Job; replace: ObjectReference[]; events: CronJobEvent[] };

/** The second half of syncCronJob, for the CronJob with its reconciled status. */
export function planSchedule(cronJob: CronJob, now: Date): ScheduleDecision {
  const { spec } = cronJob;
  if (cronJob.metadata.deletionTimestamp) return { start: false, events: [] };
  if (spec.timeZone != null && !isKnownTimeZone(spec.timeZone)) {
    return { start: false, events: [warning('UnknownTimeZone', `invalid timeZone: ${JSON.stringify(spec.timeZone)}: unknown time zone ${spec.timeZone}`)] };
  }
  if (spec.suspend === true) return { start: false, events: [] };
  const events = unsupportedScheduleEvents(cronJob);
  const parsed = parseCronSchedule(spec.schedule, spec.timeZone);
  if (!parsed.ok) return { start: false, events: [...events, warning('UnparseableSchedule', `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${parsed.error}`)] };
  const next = nextScheduleTime(cronJob, now);
  if (next.tooManyMissed) events.push(warning('TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'));
  if (next.error !== undefined) return { start: false, events: [...events, warning('InvalidSchedule', `invalid schedule: ${spec.schedule} : ${next.error}`)] };
  const wait = (...more: CronJobEvent[]): ScheduleDecision => ({ start: false, requeueAfterMs: nextScheduleDelayMs(cronJob, now), events: [...events, ...more] });
  const scheduledTime = next.time;
  if (!scheduledTime) return wait();
  if (isTooLate(cronJob, scheduledTime, now)) return wait(warning('MissSchedule', `Missed scheduled time to start a job: ${formatRfc1123z(scheduledTime)}`));
  if (alreadyProcessed(cronJob, scheduledTime)) return wait();
  if (spec.concurrencyPolicy === 'Forbid' && (cronJob.status?.active ?? []).length > 0) {
    return wait({ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
  }
  const replace = spec.concurrencyPolicy === 'Replace' ? [...(cronJob.status?.active ?? [])] : [];
  return { start: true, scheduledTime, job: jobFromTemplate(cronJob, scheduledTime), replace, events };
}

/** formatSchedule's warning: a TZ= or CRON_TZ= prefix kept by an object older than the validation refusing it. */
function unsupportedScheduleEvents(cronJob: CronJob): CronJobEvent[] {
  const { schedule } = cronJob.spec;
  if (!schedule.includes('TZ')) return [];
  return [warning('UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`)];
}

/** The Job for this time is listed as active, or this time was the last one scheduled. */
function alreadyProcessed(cronJob: CronJob, scheduledTime: Date): boolean {
  const name = jobNameForSchedule(cronJob, scheduledTime);
  const listed = (cronJob.status?.active ?? []).some((ref) => ref.name === name && ref.namespace === cronJob.metadata.namespace);
  const last = cronJob.status?.lastScheduleTime;
  return listed || (last !== undefined && Date.parse(last) === scheduledTime.getTime());
}

/** getJobFromTemplate2: the template's labels, annotations and spec; the CronJob as blocking controller. */
export function jobFromTemplate(cronJob: CronJob, scheduledTime: Date): Job {
  const template = cronJob.spec.jobTemplate;
  const labels = { ...template.metadata?.labels };
  const annotations = { ...template.metadata?.annotations, [CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION]: formatRfc3339InZone(scheduledTime, cronJob.spec.timeZone ?? 'UTC') };
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name: jobNameForSchedule(cronJob, scheduledTime), namespace: cronJob.metadata.namespace,
      ...(Object.keys(labels).length > 0 ? { labels } : {}), annotations,
      ownerReferences: [controllerReference({ ...cronJob, apiVersion: 'batch/v1', kind: 'CronJob' })],
    },
    spec: structuredClone(template.spec),
  };
}

/** The status once the Job for `scheduledTime` exists: listed as active, the time recorded. */
export function withStarted(status: CronJobStatus, job: Job, scheduledTime: Date): CronJobStatus {
  return { ...status, active: [...(status.active ?? []), jobReference(job)], lastScheduleTime: timestamp(scheduledTime) };
}

/** updateCronJob: after a change of schedule or time zone, wait for the new schedule's next time (no event: the watch handler records it). */
export function delayAfterScheduleChange(old: CronJob, cronJob: CronJob, now: Date): { delayMs: number } | { event: CronJobEvent } | undefined {
  if (old.spec.schedule === cronJob.spec.schedule && old.spec.timeZone === cronJob.spec.timeZone) return undefined;
  // formatSchedule: an unknown zone is left out, not an error here (the pass reports it).
  const zone = cronJob.spec.timeZone != null && isKnownTimeZone(cronJob.spec.timeZone) ? cronJob.spec.timeZone : undefined;
  const zoned: CronJob = { ...cronJob, spec: { ...cronJob.spec, timeZone: zone } };
  if (!parseCronSchedule(zoned.spec.schedule, zone).ok) return { event: warning('UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cronJob.spec.schedule}`) };
  // A schedule with no next time: look at once, and the pass reports InvalidSchedule.
  return { delayMs: nextScheduleDelayMs(zoned, now) ?? 0 };
}

function warning(reason: string, message: string): CronJobEvent {
  return { type: 'Warning', reason, message };
}
