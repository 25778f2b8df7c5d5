import assert from 'node:assert/strict';
import { defaultCronJob } from '../../../../api/defaults/cronjob-defaults';
import { aCronJob } from '../workload-builders';

describe('defaultCronJob', () => {
  it('defaults a CronJob but not the JobSpec fields of its jobTemplate', () => {
    const spec = defaultCronJob(aCronJob()).spec;
    assert.equal(spec.concurrencyPolicy, 'Allow');
    assert.equal(spec.suspend, false);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
    assert.equal(spec.jobTemplate.spec.backoffLimit, undefined);
    assert.equal(spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds, 30);
  });
});
