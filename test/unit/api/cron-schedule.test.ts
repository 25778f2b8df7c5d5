import assert from 'node:assert/strict';
import type { CronJob } from '../../../api/batch-v1';
import { isTooLate, jobNameForSchedule, nextScheduleDelayMs, nextScheduleTime, parseCronSchedule } from '../../../api/cron-schedule';
import { aCronJob } from './workload-builders';

function cronJob(schedule: string, created: string, extra: Partial<CronJob['spec']> = {}, lastScheduleTime?: string): CronJob {
  const cj = aCronJob({ schedule, ...extra });
  cj.metadata.creationTimestamp = created;
  if (lastScheduleTime) cj.status = { lastScheduleTime };
  return cj;
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString().replace('.000Z', 'Z');

describe('parseCronSchedule', () => {
  const errors: [string, string][] = [
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['@every 1x', 'failed to parse duration @every 1x: time: invalid duration "1x"'],
    ['TZ=Mars/Olympus * * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
  ];
  for (const [spec, message] of errors) {
    it(`refuses ${JSON.stringify(spec)} as robfig/cron does`, () => {
      assert.deepEqual(parseCronSchedule(spec), { ok: false, error: message });
    });
  }

  it('refuses an out-of-range field', () => {
    assert.equal(parseCronSchedule('61 * * * *').ok, false);
  });

  const next: [string, string, string][] = [
    ['*/5 * * * *', '2026-01-01T00:05:00Z', '2026-01-01T00:10:00Z'],
    ['5/15 * * * *', '2026-01-01T00:06:00Z', '2026-01-01T00:20:00Z'],
    ['@hourly', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'],
    ['@weekly', '2026-01-01T00:00:00Z', '2026-01-04T00:00:00Z'],
    ['@every 90m', '2026-01-01T00:00:30.5Z', '2026-01-01T01:30:30Z'],
    ['TZ=Europe/Berlin 0 9 * * *', '2026-01-01T00:00:00Z', '2026-01-01T08:00:00Z'],
    ['0 0 1 * 1', '2026-01-01T00:00:00Z', '2026-01-05T00:00:00Z'],
  ];
  for (const [spec, after, expected] of next) {
    it(`runs ${JSON.stringify(spec)} next at ${expected} after ${after}`, () => {
      const parsed = parseCronSchedule(spec);
      assert.ok(parsed.ok);
      assert.equal(iso(parsed.schedule.next(new Date(after))), expected);
    });
  }
});

describe('nextScheduleTime', () => {
  // The hour-based cases of cronjob/utils_test.go: created just before the hour.
  const created = '2016-05-19T09:59:00Z';
  const cases: [string, CronJob, string, string | undefined, boolean][] = [
    ['nothing due before the first activation', cronJob('0 * * * *', created), '2016-05-19T09:59:30Z', undefined, false],
    ['the first activation', cronJob('0 * * * *', created), '2016-05-19T10:01:00Z', '2016-05-19T10:00:00Z', false],
    ['the latest of a few missed activations', cronJob('0 * * * *', created), '2016-05-19T12:01:00Z', '2016-05-19T12:00:00Z', false],
    ['nothing after the last scheduled one', cronJob('0 * * * *', created, {}, '2016-05-19T10:00:00Z'), '2016-05-19T10:30:00Z', undefined, false],
    ['the latest of too many missed activations', cronJob('0 * * * *', created), '2016-05-26T10:01:00Z', '2016-05-26T10:00:00Z', true],
    ['the latest within startingDeadlineSeconds', cronJob('0 * * * *', created, { startingDeadlineSeconds: 600 }), '2016-05-26T10:01:00Z', '2016-05-26T10:00:00Z', false],
    ['nothing when the deadline has passed', cronJob('0 * * * *', created, { startingDeadlineSeconds: 30 }), '2016-05-26T10:01:00Z', undefined, false],
    ['an activation in the CronJob time zone', cronJob('0 9 * * *', '2026-01-01T00:00:00Z', { timeZone: 'Europe/Berlin' }), '2026-01-01T08:30:00Z', '2026-01-01T08:00:00Z', false],
    ['an irregular schedule', cronJob('30 6-16/4 * * 1-5', '2026-01-02T00:00:00Z'), '2026-01-05T15:00:00Z', '2026-01-05T14:30:00Z', false],
    ['an @every schedule', cronJob('@every 90m', '2026-01-01T10:00:00Z'), '2026-01-01T13:05:00Z', '2026-01-01T13:00:00Z', false],
  ];
  for (const [name, cj, now, expected, tooMany] of cases) {
    it(`finds ${name}`, () => {
      const got = nextScheduleTime(cj, new Date(now));
      assert.equal(iso(got.time), expected);
      assert.equal(got.tooManyMissed, tooMany);
      assert.equal(got.error, undefined);
    });
  }

  it('reports a schedule that does not parse', () => {
    assert.equal(nextScheduleTime(cronJob('bogus', created), new Date()).error, 'expected exactly 5 fields, found 1: [bogus]');
  });

  it('requeues until the next activation, plus 100 ms', () => {
    assert.equal(nextScheduleDelayMs(cronJob('0 * * * *', created), new Date('2016-05-19T09:59:30Z')), 30_100);
    assert.equal(nextScheduleDelayMs(cronJob('0 * * * *', created, {}, '2016-05-19T10:00:00Z'), new Date('2016-05-19T10:30:00Z')), 1_800_100);
    assert.equal(nextScheduleDelayMs(cronJob('0 * * * *', created), new Date('2016-05-26T10:01:00Z')), 3_540_100);
  });

  it('skips an activation older than startingDeadlineSeconds', () => {
    const cj = cronJob('0 * * * *', created, { startingDeadlineSeconds: 60 });
    const at = new Date('2016-05-19T10:00:00Z');
    assert.equal(isTooLate(cj, at, new Date('2016-05-19T10:00:59Z')), false);
    assert.equal(isTooLate(cj, at, new Date('2016-05-19T10:01:01Z')), true);
    assert.equal(isTooLate(cronJob('0 * * * *', created), at, new Date('2030-01-01T00:00:00Z')), false);
  });

  it('names the job after the scheduled minute', () => {
    assert.equal(jobNameForSchedule(cronJob('0 * * * *', created), new Date('2016-05-19T10:00:00Z')), `hello-${Date.parse('2016-05-19T10:00:00Z') / 60_000}`);
  });
});
