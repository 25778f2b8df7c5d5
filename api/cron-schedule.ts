/**
 * CronJob schedules: parsing as robfig/cron's ParseStandard (what Kubernetes uses) on top of the
 * croner package, and the CronJob controller's schedule arithmetic (pkg/controller/cronjob
 * utils.go of 1.32: mostRecentScheduleTime, nextScheduleTime, nextScheduleTimeDuration), as pure
 * functions of the CronJob and `now`.
 *
 * Parsing accepts what ParseStandard accepts: exactly five fields, the descriptors @yearly,
 * @annually, @monthly, @weekly, @daily, @midnight, @hourly and @every <duration>, and a leading
 * TZ=<zone> or CRON_TZ=<zone> (which CronJob validation then refuses on create). The field-count,
 * descriptor, duration and field errors are worded as robfig words them (fields are checked by
 * cron-fields.ts before croner sees them, so croner's extensions L, W, # and a day of week 7
 * are refused as robfig refuses them); croner computes the next times.
 */
import { Cron } from 'croner';
import type { CronJob } from './batch-v1';
import { cronFieldError, normalizedCronFields } from './cron-fields';
import { parseDuration } from './duration';

/** A parsed schedule: the first activation strictly after `after`, or undefined if none within croner's search. */
export interface CronSchedule {
  next(after: Date): Date | undefined;
}

export type ParsedSchedule = { ok: true; schedule: CronSchedule } | { ok: false; error: string };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

/** `timeZone` is the CronJob's spec.timeZone; unset means UTC, the controller's zone in pikube. */
export function parseCronSchedule(spec: string, timeZone = 'UTC'): ParsedSchedule {
  if (spec.length === 0) return { ok: false, error: 'empty spec string' };
  const prefixed = splitTimeZonePrefix(spec);
  if ('error' in prefixed) return { ok: false, error: prefixed.error };
  const zone = prefixed.zone ?? timeZone;
  if (prefixed.rest.startsWith('@')) return parseDescriptor(prefixed.rest, zone);
  const fields = prefixed.rest.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return { ok: false, error: `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]` };
  const fieldError = cronFieldError(fields);
  if (fieldError !== undefined) return { ok: false, error: fieldError };
  return cronerSchedule(normalizedCronFields(fields).join(' '), zone);
}

/** robfig's TZ=/CRON_TZ= prefix: the zone up to the first space. */
function splitTimeZonePrefix(spec: string): { zone?: string; rest: string } | { error: string } {
  if (!spec.startsWith('TZ=') && !spec.startsWith('CRON_TZ=')) return { rest: spec };
  const space = spec.indexOf(' ');
  const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
  if (!isKnownTimeZone(zone)) return { error: `provided bad location ${zone}: unknown time zone ${zone}` };
  return { zone, rest: space < 0 ? '' : spec.slice(space).trim() };
}

function parseDescriptor(descriptor: string, zone: string): ParsedSchedule {
  if (Object.hasOwn(DESCRIPTORS, descriptor)) return cronerSchedule(DESCRIPTORS[descriptor], zone);
  if (!descriptor.startsWith('@every ')) return { ok: false, error: `unrecognized descriptor: ${descriptor}` };
  const text = descriptor.slice('@every '.length);
  try {
    return { ok: true, schedule: everySchedule(parseDuration(text)) };
  } catch {
    return { ok: false, error: `failed to parse duration ${descriptor}: time: invalid duration ${JSON.stringify(text)}` };
  }
}

/** robfig's ConstantDelaySchedule: whole seconds, at least one; counted from `after` truncated to the second. */
function everySchedule(delayMs: number): CronSchedule {
  const delay = Math.max(1000, delayMs - (delayMs % 1000));
  return { next: (after) => new Date(Math.floor(after.getTime() / 1000) * 1000 + delay) };
}

function cronerSchedule(pattern: string, zone: string): ParsedSchedule {
  try {
    // Constructed without a callback, a Cron never schedules a timer: it only computes dates.
    const cron = new Cron(pattern, { mode: '5-part', timezone: zone, sloppyRanges: true });
    return { ok: true, schedule: { next: (after) => cron.nextRun(after) ?? undefined } };
  } catch (err: unknown) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Whether the runtime knows the IANA zone (Go's time.LoadLocation, with the zoneinfo Node ships). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// ---- the CronJob controller's arithmetic ----

/** More missed start times than this is reported as TooManyMissedTimes (the controller still runs the latest). */
export const TOO_MANY_MISSED = 100;
/** Padding added to the requeue delay, against clock skew between controller and apiserver. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

const LESS_THAN_A_SECOND = 'time difference between two schedules is less than 1 second';

export type MissedSchedules = 'none' | 'few' | 'many';

export interface MostRecentSchedule {
  /** lastScheduleTime, else creationTimestamp, moved up to now - startingDeadlineSeconds if asked. */
  earliestTime: Date;
  /** The latest activation at or before `now`, if any. */
  mostRecent?: Date;
  missed: MissedSchedules;
  error?: string;
}

/** mostRecentScheduleTime of cronjob/utils.go. */
export function mostRecentScheduleTime(cronJob: CronJob, now: Date, schedule: CronSchedule, includeStartingDeadline: boolean): MostRecentSchedule {
  const earliestTime = earliestScheduleTime(cronJob, now, includeStartingDeadline);
  const t1 = schedule.next(earliestTime);
  const t2 = t1 && schedule.next(t1);
  // A schedule with no next time ("0 0 30 2 *") is robfig's zero time: the interval check below refuses it.
  if (!t1) return { earliestTime, missed: 'none', error: LESS_THAN_A_SECOND };
  if (now < t1) return { earliestTime, missed: 'none' };
  if (t2 && now < t2) return { earliestTime, mostRecent: t1, missed: 'none' };
  const interval = t2 ? Math.round((t2.getTime() - t1.getTime()) / 1000) : 0;
  if (!t2 || interval < 1) return { earliestTime, missed: 'none', error: LESS_THAN_A_SECOND };
  const missedCount = Math.trunc((now.getTime() - t1.getTime()) / 1000 / interval) + 1;
  const mostRecent = latestActivationBefore(schedule, new Date(t1.getTime() + (missedCount - 2) * interval * 1000), now);
  const missed: MissedSchedules = missedCount > TOO_MANY_MISSED ? 'many' : 'few';
  return { earliestTime, mostRecent, missed };
}

function earliestScheduleTime(cronJob: CronJob, now: Date, includeStartingDeadline: boolean): Date {
  const last = cronJob.status?.lastScheduleTime ?? cronJob.metadata.creationTimestamp;
  let earliest = new Date(last ?? 0);
  const deadline = cronJob.spec.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline != null) {
    const schedulingDeadline = new Date(now.getTime() - deadline * 1000);
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  return earliest;
}

/**
 * Walks from an estimate one interval before the last expected activation, so irregular
 * schedules ("30 6-16/4 * * 1-5") and @every land on real activations.
 */
function latestActivationBefore(schedule: CronSchedule, from: Date, now: Date): Date | undefined {
  let latest: Date | undefined;
  for (let t = schedule.next(from); t && t <= now; t = schedule.next(t)) latest = t;
  return latest;
}

export interface NextScheduleTime {
  /** The activation to start a Job for now, if one is due. */
  time?: Date;
  /** More than TOO_MANY_MISSED activations were missed: record a TooManyMissedTimes warning. */
  tooManyMissed: boolean;
  error?: string;
}

/**
 * nextScheduleTime: the most recent unmet activation at or before `now`, honouring
 * startingDeadlineSeconds, from the CronJob's schedule in its time zone.
 */
export function nextScheduleTime(cronJob: CronJob, now: Date): NextScheduleTime {
  const parsed = parseCronSchedule(cronJob.spec.schedule, cronJob.spec.timeZone);
  if (!parsed.ok) return { tooManyMissed: false, error: parsed.error };
  const recent = mostRecentScheduleTime(cronJob, now, parsed.schedule, true);
  if (!recent.mostRecent || recent.mostRecent > now) return { tooManyMissed: false, error: recent.error };
  return { time: recent.mostRecent, tooManyMissed: recent.missed === 'many', error: recent.error };
}

/**
 * nextScheduleTimeDuration: how long until the next activation after the most recent one
 * (or after now, when activations were missed or the schedule is odd), plus 100 ms.
 * Undefined when the schedule does not parse or has no next activation.
 */
export function nextScheduleDelayMs(cronJob: CronJob, now: Date): number | undefined {
  const parsed = parseCronSchedule(cronJob.spec.schedule, cronJob.spec.timeZone);
  if (!parsed.ok) return undefined;
  const recent = mostRecentScheduleTime(cronJob, now, parsed.schedule, false);
  const from = recent.error ? now : recent.mostRecent ?? (recent.missed === 'none' ? recent.earliestTime : now);
  const next = parsed.schedule.next(from);
  return next ? next.getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime() : undefined;
}

/** An activation older than startingDeadlineSeconds is skipped (the MissSchedule event). */
export function isTooLate(cronJob: CronJob, scheduledTime: Date, now: Date): boolean {
  const deadline = cronJob.spec.startingDeadlineSeconds;
  return deadline != null && scheduledTime.getTime() + deadline * 1000 < now.getTime();
}

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`, deterministic per activation. */
export function jobNameForSchedule(cronJob: CronJob, scheduledTime: Date): string {
  return `${cronJob.metadata.name ?? ''}-${Math.floor(scheduledTime.getTime() / 60_000)}`;
}
