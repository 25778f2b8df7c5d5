import assert from 'node:assert/strict';
import { defaultJob, withGeneratedSelector } from '../../../../api/defaults/job-defaults';
import { aJob, aTemplate } from '../workload-builders';

describe('defaultJob', () => {
  // Cases of pkg/apis/batch/v1 defaults_test.go TestSetDefaultJob.
  const counts: [string, { completions?: number; parallelism?: number; backoffLimitPerIndex?: number }, { completions?: number; parallelism: number; backoffLimit: number }][] = [
    ['neither completions nor parallelism', {}, { completions: 1, parallelism: 1, backoffLimit: 6 }],
    ['only completions', { completions: 5 }, { completions: 5, parallelism: 1, backoffLimit: 6 }],
    ['only parallelism (a work queue)', { parallelism: 3 }, { completions: undefined, parallelism: 3, backoffLimit: 6 }],
    ['zero parallelism', { parallelism: 0 }, { completions: undefined, parallelism: 0, backoffLimit: 6 }],
    ['backoffLimitPerIndex', { completions: 4, backoffLimitPerIndex: 1 }, { completions: 4, parallelism: 1, backoffLimit: 2147483647 }],
  ];
  for (const [name, given, expected] of counts) {
    it(`defaults the counts of a job with ${name}`, () => {
      const spec = defaultJob(aJob(given)).spec;
      assert.deepEqual({ completions: spec.completions, parallelism: spec.parallelism, backoffLimit: spec.backoffLimit }, expected);
    });
  }

  it('fills the other Job defaults', () => {
    const spec = defaultJob(aJob()).spec;
    assert.equal(spec.completionMode, 'NonIndexed');
    assert.equal(spec.suspend, false);
    assert.equal(spec.manualSelector, false);
    assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
    assert.equal(spec.template.spec.restartPolicy, 'Never');
  });

  it('uses podReplacementPolicy Failed with a podFailurePolicy, whose pattern status defaults to True', () => {
    const spec = defaultJob(aJob({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } })).spec;
    assert.equal(spec.podReplacementPolicy, 'Failed');
    assert.equal(spec.podFailurePolicy?.rules[0].onPodConditions?.[0].status, 'True');
  });

  it("copies the template's labels to a job without labels", () => {
    assert.deepEqual(defaultJob(aJob({ template: aTemplate({ app: 'pi' }, 'Never') })).metadata.labels, { app: 'pi' });
    const own = aJob({ template: aTemplate({ app: 'pi' }, 'Never') });
    own.metadata.labels = { team: 'a' };
    assert.deepEqual(defaultJob(own).metadata.labels, { team: 'a' });
  });

  it('generates the selector and template labels from the uid on create', () => {
    const job = withGeneratedSelector(defaultJob(aJob()));
    assert.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
    assert.deepEqual(job.spec.template.metadata?.labels, {
      'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'batch.kubernetes.io/controller-uid': 'uid-1',
    });
    const manual = aJob({ manualSelector: true, selector: { matchLabels: { app: 'x' } } });
    assert.equal(withGeneratedSelector(manual), manual);
  });
});
