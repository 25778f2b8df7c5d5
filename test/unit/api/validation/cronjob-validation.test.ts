import assert from 'node:assert/strict';
import type { CronJob } from '../../../../api/batch-v1';
import { defaultCronJob } from '../../../../api/defaults/cronjob-defaults';
import { validateCronJob, validateCronJobUpdate } from '../../../../api/validation/cronjob-validation';
import { aCronJob, aTemplate } from '../workload-builders';

const errors = (cj: CronJob): string[] => validateCronJob(defaultCronJob(cj)).map((c) => `${c.field}: ${c.message}`);

describe('validateCronJob', () => {
  it('accepts a defaulted CronJob, with a descriptor or a time zone too', () => {
    assert.deepEqual(errors(aCronJob()), []);
    assert.deepEqual(errors(aCronJob({ schedule: '@hourly', timeZone: 'Europe/Berlin' })), []);
  });

  const schedules: [string, string][] = [
    ['', 'spec.schedule: Required value'],
    ['* * * *', 'spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]'],
    ['TZ=UTC * * * * *', 'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
  ];
  for (const [schedule, expected] of schedules) {
    it(`refuses the schedule ${JSON.stringify(schedule)}`, () => {
      assert.deepEqual(errors(aCronJob({ schedule })), [expected]);
    });
  }

  const zones: [string, string[]][] = [
    ['', ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']],
    ['Local', ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones', 'spec.timeZone: Invalid value: "Local": unknown time zone Local']],
    ['Mars/Olympus_Mons', ['spec.timeZone: Invalid value: "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons']],
    ['../etc/passwd', ['spec.timeZone: Invalid value: "../etc/passwd": unknown time zone ../etc/passwd']],
    ['America/Argentina/Buenos_Aires', []],
  ];
  for (const [timeZone, expected] of zones) {
    it(`checks the time zone ${JSON.stringify(timeZone)}`, () => {
      assert.deepEqual(errors(aCronJob({ timeZone })), expected);
    });
  }

  it('checks the policy, history limits, the name length and the job template', () => {
    const cj = aCronJob({ concurrencyPolicy: 'Sometimes' as 'Allow', successfulJobsHistoryLimit: -1, startingDeadlineSeconds: -5 });
    cj.metadata.name = 'n'.repeat(53);
    assert.deepEqual(errors(cj), [
      'spec.startingDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
      `metadata.name: Invalid value: "${'n'.repeat(53)}": must be no more than 52 characters`,
    ]);
    assert.deepEqual(errors(aCronJob({ jobTemplate: { spec: { template: aTemplate({}), selector: { matchLabels: { a: 'b' } }, manualSelector: true } } })), [
      'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
      'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
      'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
    ]);
  });

  it('tolerates a TZ prefix on update only where the old schedule had one, and skips the name limit', () => {
    const old = defaultCronJob(aCronJob({ schedule: 'TZ=UTC 0 * * * *' }));
    old.metadata.name = 'n'.repeat(60);
    old.metadata.resourceVersion = '2';
    const next = structuredClone(old);
    next.spec.schedule = 'TZ=UTC 30 * * * *';
    assert.deepEqual(validateCronJobUpdate(next, old), []);
    next.spec.timeZone = 'UTC';
    assert.deepEqual(validateCronJobUpdate(next, old).map((c) => c.message), ['Invalid value: "TZ=UTC 30 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule']);
  });
});
