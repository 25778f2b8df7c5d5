import { strict as assert } from 'node:assert';
import type { Job, JobCondition, JobSpec } from '../../../../../api/batch-v1';
import { jobPrinter, jobStatus } from '../../../../../control-plane/apiserver/tables/job-printer';

const NOW = new Date('2024-05-01T12:00:00Z');

function aJob(spec: Partial<JobSpec>, types: JobCondition['type'][] = [], extra: Partial<Job['status']> = {}, deleting = false): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'pi', creationTimestamp: '2024-05-01T11:00:00Z', ...(deleting ? { deletionTimestamp: '2024-05-01T11:59:00Z' } : {}) },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
    status: { conditions: types.map((type) => ({ type, status: 'True' })), ...extra },
  };
}

describe('job table printer', () => {
  const statuses: [string, Job, string][] = [
    ['no condition', aJob({}), 'Running'],
    ['SuccessCriteriaMet, before Complete', aJob({}, ['SuccessCriteriaMet']), 'SuccessCriteriaMet'],
    ['SuccessCriteriaMet and Complete', aJob({}, ['SuccessCriteriaMet', 'Complete']), 'Complete'],
    ['FailureTarget, before Failed', aJob({}, ['FailureTarget']), 'FailureTarget'],
    ['FailureTarget and Failed', aJob({}, ['FailureTarget', 'Failed']), 'Failed'],
    ['Suspended', aJob({}, ['Suspended']), 'Suspended'],
    ['being deleted', aJob({}, ['Suspended'], {}, true), 'Terminating'],
  ];
  for (const [name, job, want] of statuses) it(`STATUS of a job with ${name}: ${want}`, () => assert.equal(jobStatus(job), want));

  it('COMPLETIONS and DURATION', () => {
    const cells = (job: Job): unknown[] => jobPrinter.cells(job, NOW).slice(2, 4);
    assert.deepEqual(cells(aJob({ completions: 5 }, [], { succeeded: 2, startTime: '2024-05-01T11:59:30Z' })), ['2/5', '30s']);
    assert.deepEqual(cells(aJob({ parallelism: 3 }, [], { succeeded: 1, startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:03:53Z' })), ['1/1 of 3', '3m53s']);
    assert.deepEqual(cells(aJob({ parallelism: 1 }, ['Suspended'])), ['0/1', '']);
  });
});
