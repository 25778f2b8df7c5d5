import assert from 'node:assert/strict';
import type { CronJob, CronJobSpec, Job, JobConditionType } from '../../../../api/batch-v1';
import type { ObjectReference } from '../../../../api/core-v1';
import {
  activeChecks, byStartTime, delayAfterScheduleChange, historyVictims, jobFromTemplate, planSchedule, reconcileActive, withStarted,
  type CronJobEvent, type ScheduleDecision,
} from '../../../../control-plane/controllers/cron-job-plan';
import { formatRfc1123z, formatRfc3339InZone } from '../../../../control-plane/controllers/cron-job-time-format';

const CREATED = '2026-12-07T10:00:30Z';

function aCronJob(spec: Partial<CronJobSpec> = {}, status: CronJob['status'] = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'default', uid: 'cj-uid', creationTimestamp: CREATED, resourceVersion: '7' },
    spec: {
      schedule: '*/1 * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
    status,
  };
}

function aJob(name: string, finished?: JobConditionType, times: { start?: string; completion?: string } = {}): Job {
  const conditions = finished ? [{ type: finished, status: 'True' as const }] : [];
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true }] },
    spec: { template: { spec: { containers: [] } } },
    status: { conditions, startTime: times.start, completionTime: times.completion },
  };
}

const ref = (name: string): ObjectReference => ({ kind: 'Job', namespace: 'default', name, uid: `uid-${name}`, apiVersion: 'batch/v1' });
const at = (iso: string): Date => new Date(iso);
const minuteOf = (iso: string): number => Math.floor(Date.parse(iso) / 60_000);
const names = (jobs: Job[]): string[] => jobs.map((j) => j.metadata.name ?? '');
const reasons = (events: CronJobEvent[]): string[] => events.map((e) => e.reason);

describe('cron job plan: history limits (cleanupFinishedJobs)', () => {
  const cases: { name: string; spec: Partial<CronJobSpec>; jobs: Job[]; victims: string[] }[] = [
    {
      name: 'keeps the 3 newest successful and 1 newest failed Jobs by default',
      spec: {},
      jobs: [aJob('s1', 'Complete', { start: '2026-12-07T10:01:00Z' }), aJob('s2', 'Complete', { start: '2026-12-07T10:02:00Z' }), aJob('s3', 'Complete', { start: '2026-12-07T10:03:00Z' }),
        aJob('s4', 'Complete', { start: '2026-12-07T10:04:00Z' }), aJob('f1', 'Failed', { start: '2026-12-07T10:00:00Z' }), aJob('f2', 'Failed', { start: '2026-12-07T10:05:00Z' }), aJob('running')],
      victims: ['s1', 'f1'],
    },
    {
      name: 'deletes every finished Job with limits of 0, never a running one',
      spec: { successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 },
      jobs: [aJob('s1', 'Complete'), aJob('f1', 'Failed'), aJob('running')],
      victims: ['s1', 'f1'],
    },
    {
      name: 'deletes nothing without limits',
      spec: { successfulJobsHistoryLimit: undefined, failedJobsHistoryLimit: undefined },
      jobs: [aJob('s1', 'Complete'), aJob('s2', 'Complete'), aJob('f1', 'Failed'), aJob('f2', 'Failed')],
      victims: [],
    },
    {
      name: 'counts a Job without a start time as the newest',
      spec: { successfulJobsHistoryLimit: 1 },
      jobs: [aJob('b-unstarted', 'Complete'), aJob('a', 'Complete', { start: '2026-12-07T10:09:00Z' })],
      victims: ['a'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(names(historyVictims(aCronJob(c.spec), c.jobs)), c.victims));
  }

  it('orders by start time, then by name', () => {
    const jobs = [aJob('b', undefined, { start: '2026-12-07T10:00:00Z' }), aJob('z'), aJob('a', undefined, { start: '2026-12-07T10:00:00Z' }), aJob('c', undefined, { start: '2026-12-07T09:00:00Z' }), aJob('y')];
    assert.deepEqual(names([...jobs].sort(byStartTime)), ['c', 'a', 'b', 'y', 'z']);
  });
});

describe('cron job plan: active Jobs and lastSuccessfulTime', () => {
  it('takes a finished Job out of active, with SawCompletedJob, and records its completion', () => {
    const cj = aCronJob({}, { active: [ref('tick-1')] });
    const out = reconcileActive(cj, [aJob('tick-1', 'Complete', { completion: '2026-12-07T10:01:07Z' })], { gone: new Set() });
    assert.deepEqual(out.status, { lastSuccessfulTime: '2026-12-07T10:01:07Z' });
    assert.deepEqual(out.events, [{ type: 'Normal', reason: 'SawCompletedJob', message: 'Saw completed job: tick-1, condition: Complete' }]);
  });

  it('reports a failed Job as completed with condition Failed, leaving lastSuccessfulTime', () => {
    const cj = aCronJob({}, { active: [ref('tick-1'), ref('tick-2')], lastSuccessfulTime: '2026-12-07T09:00:00Z' });
    const out = reconcileActive(cj, [aJob('tick-1', 'Failed'), aJob('tick-2')], { gone: new Set() });
    assert.deepEqual(out.status, { active: [ref('tick-2')], lastSuccessfulTime: '2026-12-07T09:00:00Z' });
    assert.equal(out.events[0]?.message, 'Saw completed job: tick-1, condition: Failed');
  });

  it('moves lastSuccessfulTime only forward, for Jobs no longer listed too', () => {
    const cj = aCronJob({}, { lastSuccessfulTime: '2026-12-07T10:05:00Z' });
    const out = reconcileActive(cj, [aJob('old', 'Complete', { completion: '2026-12-07T10:01:00Z' }), aJob('new', 'Complete', { completion: '2026-12-07T10:09:00Z' })], { gone: new Set() });
    assert.deepEqual(out.status, { lastSuccessfulTime: '2026-12-07T10:09:00Z' });
    assert.deepEqual(out.events, []);
  });

  it('warns of an unfinished Job it does not list (UnexpectedJob), unless a fresh read lists it', () => {
    const cj = aCronJob();
    const jobs = [aJob('tick-manual')];
    assert.deepEqual(activeChecks(cj, jobs), { unlisted: jobs, unseen: [] });
    const stale = reconcileActive(cj, jobs, { freshActive: [], gone: new Set() });
    assert.deepEqual(stale.events, [{ type: 'Warning', reason: 'UnexpectedJob', message: 'Saw a job that the controller did not create or forgot: tick-manual' }]);
    assert.deepEqual(stale.status, {});
    const fresh = reconcileActive(cj, jobs, { freshActive: [ref('tick-manual')], gone: new Set() });
    assert.deepEqual(fresh, { status: { active: [ref('tick-manual')] }, events: [] });
  });

  it('drops an active entry whose Job the API no longer has (MissingJob), keeps one the cache has not seen yet', () => {
    const cj = aCronJob({}, { active: [ref('gone'), ref('new')] });
    assert.deepEqual(activeChecks(cj, []).unseen, [ref('gone'), ref('new')]);
    const out = reconcileActive(cj, [], { gone: new Set(['uid-gone']) });
    assert.deepEqual(out.status, { active: [ref('new')] });
    assert.deepEqual(out.events, [{ type: 'Normal', reason: 'MissingJob', message: 'Active job went missing: gone' }]);
  });

  it('lists a started Job and its scheduled time', () => {
    const job = { ...aJob('tick-5'), metadata: { ...aJob('tick-5').metadata, resourceVersion: '12' } };
    assert.deepEqual(withStarted({ lastSuccessfulTime: 'x' }, job, at('2026-12-07T10:05:00Z')), {
      lastSuccessfulTime: 'x', active: [{ ...ref('tick-5'), resourceVersion: '12' }], lastScheduleTime: '2026-12-07T10:05:00Z',
    });
  });
});

describe('cron job plan: when to start a Job (syncCronJob)', () => {
  interface Case {
    name: string;
    spec?: Partial<CronJobSpec>;
    status?: CronJob['status'];
    now: string;
    /** The scheduled time of the Job to start, or undefined. */
    start?: string;
    replace?: string[];
    /** When to look again, as a time (undefined: only on a change). */
    requeueAt?: string;
    events?: string[];
  }
  const cases: Case[] = [
    { name: 'waits for the first time after creation', now: '2026-12-07T10:00:50Z', requeueAt: '2026-12-07T10:01:00.100Z' },
    { name: 'starts the Job of the minute once it has come', now: '2026-12-07T10:01:00.100Z', start: '2026-12-07T10:01:00Z' },
    { name: 'does not start a time twice (lastScheduleTime)', status: { lastScheduleTime: '2026-12-07T10:01:00Z' }, now: '2026-12-07T10:01:30Z', requeueAt: '2026-12-07T10:02:00.100Z' },
    {
      name: 'does not start a time twice (its Job is listed)', status: { active: [{ ...ref(`tick-${minuteOf('2026-12-07T10:01:00Z')}`) }] },
      now: '2026-12-07T10:01:30Z', requeueAt: '2026-12-07T10:02:00.100Z',
    },
    { name: 'after an outage starts the most recent missed time only', status: { lastScheduleTime: '2026-12-07T10:01:00Z' }, now: '2026-12-07T10:05:30Z', start: '2026-12-07T10:05:00Z' },
    {
      name: 'beyond 100 missed times warns TooManyMissedTimes and still starts the most recent',
      status: { lastScheduleTime: '2026-12-07T07:00:00Z' }, now: '2026-12-07T10:05:30Z', start: '2026-12-07T10:05:00Z', events: ['TooManyMissedTimes'],
    },
    {
      name: 'with startingDeadlineSeconds, a long outage is not too many missed times',
      spec: { startingDeadlineSeconds: 60 }, status: { lastScheduleTime: '2026-12-01T07:00:00Z' }, now: '2026-12-07T10:05:30Z', start: '2026-12-07T10:05:00Z',
    },
    {
      name: 'with startingDeadlineSeconds, a time older than the deadline is not started',
      spec: { startingDeadlineSeconds: 10 }, status: { lastScheduleTime: '2026-12-07T10:01:00Z' }, now: '2026-12-07T10:05:30Z', requeueAt: '2026-12-07T10:06:00.100Z',
    },
    {
      name: 'with startingDeadlineSeconds, a time still within the deadline is started late',
      spec: { startingDeadlineSeconds: 200 }, status: { lastScheduleTime: '2026-12-07T10:01:00Z' }, now: '2026-12-07T10:05:30Z', start: '2026-12-07T10:05:00Z',
    },
    { name: 'a suspended CronJob starts nothing and waits for a change', spec: { suspend: true }, now: '2026-12-07T10:05:30Z' },
    {
      name: 'Forbid: a running Job holds back the next (JobAlreadyActive)', spec: { concurrencyPolicy: 'Forbid' },
      status: { active: [ref('tick-old')], lastScheduleTime: '2026-12-07T10:01:00Z' }, now: '2026-12-07T10:02:00.100Z', requeueAt: '2026-12-07T10:03:00.100Z', events: ['JobAlreadyActive'],
    },
    {
      name: 'Allow: starts beside a running Job', status: { active: [ref('tick-old')], lastScheduleTime: '2026-12-07T10:01:00Z' },
      now: '2026-12-07T10:02:00.100Z', start: '2026-12-07T10:02:00Z', replace: [],
    },
    {
      name: 'Replace: starts in place of the running Jobs', spec: { concurrencyPolicy: 'Replace' },
      status: { active: [ref('tick-old')], lastScheduleTime: '2026-12-07T10:01:00Z' }, now: '2026-12-07T10:02:00.100Z', start: '2026-12-07T10:02:00Z', replace: ['tick-old'],
    },
    { name: '@hourly waits for the hour', spec: { schedule: '@hourly' }, now: '2026-12-07T10:30:00Z', requeueAt: '2026-12-07T11:00:00.100Z' },
    { name: '@hourly starts at the hour', spec: { schedule: '@hourly' }, status: { lastScheduleTime: '2026-12-07T10:00:00Z' }, now: '2026-12-07T11:00:01Z', start: '2026-12-07T11:00:00Z' },
    { name: 'a range and a step', spec: { schedule: '15-45/15 10 * * 1-5' }, now: '2026-12-07T10:31:00Z', start: '2026-12-07T10:30:00Z' },
    { name: 'a time zone: 09:00 in Paris is 08:00 UTC in December', spec: { schedule: '0 9 * * *', timeZone: 'Europe/Paris' }, status: { lastScheduleTime: '2026-12-06T08:00:00Z' }, now: '2026-12-07T07:59:00Z', requeueAt: '2026-12-07T08:00:00.100Z' },
    { name: 'a time zone: 09:00 in New York is 14:00 UTC in December', spec: { schedule: '0 9 * * *', timeZone: 'America/New_York' }, now: '2026-12-07T14:00:05Z', start: '2026-12-07T14:00:00Z' },
    { name: 'an unknown time zone starts nothing (UnknownTimeZone)', spec: { timeZone: 'Mars/Olympus' }, now: '2026-12-07T10:05:30Z', events: ['UnknownTimeZone'] },
    {
      name: 'a TZ= prefix kept from an older object is used, with UnsupportedSchedule', spec: { schedule: 'TZ=Asia/Tokyo 0 19 * * *' },
      status: { lastScheduleTime: '2026-12-06T10:00:00Z' }, now: '2026-12-07T10:00:40Z', start: '2026-12-07T10:00:00Z', events: ['UnsupportedSchedule'] },
    { name: 'a schedule that never fires starts nothing and waits for a change (InvalidSchedule)', spec: { schedule: '0 0 30 2 *' }, now: '2026-12-07T10:05:30Z', events: ['InvalidSchedule'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cj = aCronJob(c.spec, c.status);
      const now = at(c.now);
      const decision: ScheduleDecision = planSchedule(cj, now);
      assert.deepEqual(reasons(decision.events), c.events ?? []);
      if (c.start === undefined) {
        assert.equal(decision.start, false, `started ${decision.start ? decision.scheduledTime.toISOString() : ''}`);
        const requeueAt = decision.start ? undefined : decision.requeueAfterMs;
        assert.equal(requeueAt === undefined ? undefined : new Date(now.getTime() + requeueAt).toISOString(), c.requeueAt === undefined ? undefined : at(c.requeueAt).toISOString());
        return;
      }
      assert.ok(decision.start, 'nothing started');
      assert.equal(decision.scheduledTime.toISOString(), at(c.start).toISOString());
      assert.equal(decision.job.metadata.name, `tick-${minuteOf(c.start)}`);
      if (c.replace) assert.deepEqual(decision.replace.map((r) => r.name), c.replace);
    });
  }

  it('starts nothing for a CronJob being deleted', () => {
    const cj = aCronJob();
    cj.metadata.deletionTimestamp = '2026-12-07T10:05:00Z';
    assert.deepEqual(planSchedule(cj, at('2026-12-07T10:05:30Z')), { start: false, events: [] });
  });

  it('words MissSchedule and UnknownTimeZone as Kubernetes does', () => {
    assert.equal(formatRfc1123z(at('2026-12-07T10:05:00Z')), 'Mon, 07 Dec 2026 10:05:00 +0000');
    const decision = planSchedule(aCronJob({ timeZone: 'Mars/Olympus' }), at('2026-12-07T10:05:30Z'));
    assert.equal(decision.events[0]?.message, 'invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus');
  });
});

describe('cron job plan: the Job made from the template', () => {
  it('carries the template labels, annotations and spec, the scheduled time, and the CronJob as blocking controller', () => {
    const cj = aCronJob({ jobTemplate: { metadata: { labels: { app: 'tick' }, annotations: { note: 'x' } }, spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } });
    const job = jobFromTemplate(cj, at('2026-12-07T10:05:00Z'));
    assert.deepEqual(job, {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: {
        name: `tick-${minuteOf('2026-12-07T10:05:00Z')}`, namespace: 'default', labels: { app: 'tick' },
        annotations: { note: 'x', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-12-07T10:05:00Z' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }],
      },
      spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
  });

  it('writes the scheduled time in the CronJob time zone', () => {
    const job = jobFromTemplate(aCronJob({ schedule: '0 9 * * *', timeZone: 'Europe/Paris' }), at('2026-12-07T08:00:00Z'));
    assert.equal(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-12-07T09:00:00+01:00');
    assert.equal(job.metadata.labels, undefined);
  });

  const zones: [string, string, string][] = [
    ['2026-07-01T12:00:00Z', 'America/New_York', '2026-07-01T08:00:00-04:00'],
    ['2026-12-07T12:00:00Z', 'Asia/Kolkata', '2026-12-07T17:30:00+05:30'],
    ['2026-12-07T12:00:00.750Z', 'UTC', '2026-12-07T12:00:00Z'],
  ];
  for (const [time, zone, expected] of zones) {
    it(`formats ${time} in ${zone} as ${expected}`, () => assert.equal(formatRfc3339InZone(at(time), zone), expected));
  }
});

describe('cron job plan: a change of schedule (updateCronJob)', () => {
  it('waits for the new schedule\'s next time', () => {
    const old = aCronJob({ schedule: '0 * * * *' }, { lastScheduleTime: '2026-12-07T10:00:00Z' });
    const next = aCronJob({ schedule: '*/15 * * * *' }, { lastScheduleTime: '2026-12-07T10:00:00Z' });
    assert.deepEqual(delayAfterScheduleChange(old, next, at('2026-12-07T10:07:00Z')), { delayMs: 8 * 60_000 + 100 });
  });

  it('looks at once when something else changed', () => {
    assert.equal(delayAfterScheduleChange(aCronJob(), aCronJob({ suspend: true }), at('2026-12-07T10:07:00Z')), undefined);
  });

  it('counts a new time zone as a new schedule', () => {
    const change = delayAfterScheduleChange(aCronJob({ schedule: '0 11 * * *' }), aCronJob({ schedule: '0 11 * * *', timeZone: 'Europe/Paris' }, { lastScheduleTime: '2026-12-06T10:00:00Z' }), at('2026-12-07T09:30:00Z'));
    assert.deepEqual(change, { delayMs: 30 * 60_000 + 100 });
  });
});
