import assert from 'node:assert/strict';
import type { Job } from '../../../../api/batch-v1';
import { defaultJob, withGeneratedSelector } from '../../../../api/defaults/job-defaults';
import { validateJob, validateJobUpdate } from '../../../../api/validation/job-validation';
import { aJob, aTemplate } from '../workload-builders';

/** As the API server sees a new Job: defaulted, then its selector generated. */
const created = (job: Job): Job => withGeneratedSelector(defaultJob(job));
const errors = (job: Job): string[] => validateJob(created(job)).map((c) => `${c.field}: ${c.message}`);

describe('validateJob', () => {
  it('accepts a defaulted Job with a generated selector', () => {
    assert.deepEqual(errors(aJob()), []);
    assert.deepEqual(errors(aJob({ parallelism: 3 })), []);
  });

  it('requires restartPolicy OnFailure or Never', () => {
    assert.deepEqual(errors(aJob({ template: aTemplate({}) })), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  });

  it('checks the counts; activeDeadlineSeconds may be 0', () => {
    assert.deepEqual(errors(aJob({ parallelism: -1, completions: -1, backoffLimit: -1, activeDeadlineSeconds: -1, ttlSecondsAfterFinished: -1 })), [
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.completions: Invalid value: -1: must be greater than or equal to 0',
      'spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
      'spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0',
    ]);
    assert.deepEqual(errors(aJob({ activeDeadlineSeconds: 0 })), []);
  });

  it('requires completions for an Indexed job and room for the index in the pod hostname', () => {
    assert.deepEqual(errors(aJob({ completionMode: 'Indexed', parallelism: 2 })), ['spec.completions: Required value: when completion mode is Indexed']);
    const long = aJob({ completionMode: 'Indexed', completions: 10 });
    long.metadata.name = 'x'.repeat(62);
    assert.deepEqual(errors(long).filter((e) => e.startsWith('metadata.name')), [`metadata.name: Invalid value: "${'x'.repeat(62)}": will not able to create pod with invalid DNS label: ${'x'.repeat(62)}-9`]);
  });

  it('keeps per-index backoff to Indexed jobs', () => {
    assert.deepEqual(errors(aJob({ backoffLimitPerIndex: 1, maxFailedIndexes: 1 })), [
      'spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode',
      'spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode',
    ]);
    assert.deepEqual(errors(aJob({ completionMode: 'Indexed', completions: 3, maxFailedIndexes: 5 })), [
      'spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified',
      'spec.maxFailedIndexes: Invalid value: 5: must be less than or equal to completions',
    ]);
  });

  it('refuses a selector the template does not carry, and hand-made generated labels that disagree', () => {
    const job = created(aJob());
    job.spec.template.metadata = { labels: { ...job.spec.template.metadata?.labels, 'controller-uid': 'other' } };
    assert.deepEqual(validateJob(job).map((c) => `${c.field}: ${c.reason}`), ['spec.template.metadata.labels[controller-uid]: FieldValueInvalid']);
    const manual = created(aJob({ manualSelector: true, selector: { matchLabels: { app: 'x' } } }));
    assert.deepEqual(validateJob(manual).map((c) => c.message), ['Invalid value: map[string]string{}: `selector` does not match template `labels`']);
  });

  it('checks a pod failure policy', () => {
    const job = aJob({
      podFailurePolicy: { rules: [
        { action: 'FailJob', onExitCodes: { operator: 'In', values: [3, 0, 3], containerName: 'nope' } },
        { action: 'Explode' as 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'Maybe' as 'True' }] },
        { action: 'FailIndex' },
      ] },
      template: aTemplate({}, 'OnFailure'),
    });
    assert.deepEqual(errors(job), [
      'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
      'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 0, 3}: must be ordered',
      'spec.podFailurePolicy.rules[1].action: Unsupported value: "Explode": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
      'spec.podFailurePolicy.rules[1].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
      'spec.podFailurePolicy.rules[2].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
      'spec.podFailurePolicy.rules[2]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
      'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    ]);
  });

  it('checks a success policy (Indexed jobs only)', () => {
    assert.deepEqual(errors(aJob({ successPolicy: { rules: [{ succeededCount: 1 }] } })), [
      'spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode',
    ]);
    const indexed = aJob({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: '0-2,2', succeededCount: 6 }, {}, { succeededIndexes: '1,3', succeededCount: 3 }] } });
    assert.deepEqual(errors(indexed), [
      'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-2,2": error parsing succeededIndexes: non-increasing order, previous: 2, current: 2',
      'spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)',
      'spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 0 (the number of indexes in the specified succeededIndexes field)',
      'spec.successPolicy.rules[1]: Required value: at least one of succeededCount or succeededIndexes must be specified',
      'spec.successPolicy.rules[2].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)',
    ]);
  });

  it('checks managedBy as a domain-prefixed path', () => {
    assert.deepEqual(errors(aJob({ managedBy: 'kueue.x-k8s.io/multikueue' })), []);
    assert.deepEqual(errors(aJob({ managedBy: 'kueue' })), ['spec.managedBy: Invalid value: "kueue": must be a domain-prefixed path (such as "acme.io/foo")']);
  });
});

describe('validateJobUpdate', () => {
  const stored = (spec: Partial<Job['spec']> = {}): Job => {
    const job = created(aJob(spec));
    job.metadata.resourceVersion = '9';
    return job;
  };

  it('lets parallelism and suspend change', () => {
    const next = stored();
    next.spec.parallelism = 4;
    next.spec.suspend = true;
    assert.deepEqual(validateJobUpdate(next, stored()), []);
  });

  it('keeps completions, completionMode and the template fixed', () => {
    const next = stored();
    next.spec.completions = 2;
    next.spec.template.spec.containers[0].image = 'busybox';
    assert.deepEqual(validateJobUpdate(next, stored()).map((c) => `${c.field}: ${c.message.slice(-18)}`), [
      'spec.completions: field is immutable',
      'spec.template: field is immutable',
    ]);
  });

  it('lets an Indexed job scale completions in tandem with parallelism', () => {
    const old = stored({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    const next = structuredClone(old);
    next.spec.completions = 5;
    assert.deepEqual(validateJobUpdate(next, old).map((c) => c.message), ['Invalid value: 5: can only be modified in tandem with spec.parallelism']);
    next.spec.parallelism = 5;
    assert.deepEqual(validateJobUpdate(next, old), []);
  });

  it('lets a suspended job that never started change its scheduling directives', () => {
    const old = stored({ suspend: true });
    const next = structuredClone(old);
    next.spec.template.spec.nodeSelector = { disk: 'ssd' };
    assert.deepEqual(validateJobUpdate(next, old), []);
    old.status = { startTime: '2026-01-01T00:00:00Z' };
    assert.equal(validateJobUpdate(next, old).length, 1);
  });
});
