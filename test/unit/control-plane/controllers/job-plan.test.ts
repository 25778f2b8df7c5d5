import assert from 'node:assert/strict';
import type { Job, JobSpec, JobStatus, PodFailurePolicy, SuccessPolicy } from '../../../../api/batch-v1';
import type { Pod, PodPhase } from '../../../../api/core-v1';
import { formatIndexes, parseIndexes } from '../../../../control-plane/controllers/job-indexes';
import { NO_BACKOFF, nextBackoff, planJob, settle, type BackoffRecord, type JobPlan } from '../../../../control-plane/controllers/job-plan';
import { matchPodFailurePolicy } from '../../../../control-plane/controllers/job-pod-failure-policy';
import { JOB_TRACKING_FINALIZER, podForJob } from '../../../../control-plane/controllers/job-pods';
import { matchSuccessPolicy } from '../../../../control-plane/controllers/job-success-policy';
import { planTtl } from '../../../../control-plane/controllers/ttl-after-finished-plan';

const NOW = new Date('2026-01-01T00:10:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function aJob(spec: Partial<JobSpec> = {}, status: JobStatus = { startTime: ago(60), uncountedTerminatedPods: {} }): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', uid: 'job-uid' },
    spec: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
    status,
  };
}

interface PodShape {
  phase?: PodPhase;
  tracked?: boolean;
  index?: number;
  ready?: boolean;
  deleting?: boolean;
  finishedAgo?: number;
  restarts?: number;
}

function aPod(name: string, { phase = 'Running', tracked = true, index, ready = false, deleting = false, finishedAgo, restarts = 0 }: PodShape = {}): Pod {
  const terminated = finishedAgo === undefined ? undefined : { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: ago(finishedAgo) };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: ago(120),
      ...(tracked ? { finalizers: [JOB_TRACKING_FINALIZER] } : {}),
      ...(index === undefined ? {} : { annotations: { 'batch.kubernetes.io/job-completion-index': String(index) } }),
      ...(deleting ? { deletionTimestamp: ago(1) } : {}),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'job-uid', controller: true }],
    },
    spec: { nodeName: 'pi1', containers: [{ name: 'c', image: 'busybox' }] },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'c', ready, restartCount: restarts, image: 'busybox', imageID: '', ...(terminated ? { state: { terminated } } : {}) }],
    },
  };
}

function plan(job: Job, pods: Pod[], backoff: BackoffRecord = NO_BACKOFF): JobPlan {
  const out = planJob({ job, pods, synced: true, backoff, now: NOW });
  assert.ok(out, 'a plan');
  return out;
}

const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name ?? '').sort();

describe('job plan: how many pods to create or delete', () => {
  const cases: { name: string; spec: Partial<JobSpec>; status?: Partial<JobStatus>; pods: Pod[]; create: (number | undefined)[]; remove?: string[] }[] = [
    { name: 'a new job of parallelism 2 creates 2', spec: { completions: 5, parallelism: 2 }, pods: [], create: [undefined, undefined] },
    { name: 'never more than parallelism active', spec: { completions: 5, parallelism: 2 }, pods: [aPod('a'), aPod('b')], create: [] },
    { name: 'never more than the completions left', spec: { completions: 5, parallelism: 2 }, status: { succeeded: 4 }, pods: [], create: [undefined] },
    { name: 'a lower parallelism deletes the surplus, not-ready pods first', spec: { completions: 5, parallelism: 1 }, pods: [aPod('a', { ready: true }), aPod('b'), aPod('c', { ready: true })], create: [], remove: ['a', 'b'] },
    { name: 'a work queue starts parallelism pods', spec: { completions: undefined, parallelism: 3 }, pods: [], create: [undefined, undefined, undefined] },
    { name: 'a work queue with a success starts no more', spec: { completions: undefined, parallelism: 3 }, status: { succeeded: 1 }, pods: [aPod('a')], create: [] },
    { name: 'Indexed: the lowest indexes neither done nor running', spec: { completionMode: 'Indexed', completions: 5, parallelism: 3 }, status: { completedIndexes: '0', succeeded: 1 }, pods: [aPod('a', { index: 2 })], create: [1, 3] },
    { name: 'Indexed: a repeated index is deleted', spec: { completionMode: 'Indexed', completions: 3, parallelism: 3 }, pods: [aPod('a', { index: 0, ready: true }), aPod('b', { index: 0 }), aPod('c', { index: 1 }), aPod('d', { index: 2 })], create: [], remove: ['b'] },
    { name: 'Indexed: an index out of range is deleted', spec: { completionMode: 'Indexed', completions: 2, parallelism: 2 }, pods: [aPod('a', { index: 0 }), aPod('b', { index: 1 }), aPod('c', { index: 7 })], create: [], remove: ['c'] },
    { name: 'terminating pods are replaced at once by default', spec: { completions: 2, parallelism: 2 }, pods: [aPod('a'), aPod('b', { deleting: true, tracked: false })], create: [undefined] },
    { name: 'podReplacementPolicy Failed waits for terminating pods', spec: { completions: 2, parallelism: 2, podReplacementPolicy: 'Failed' }, pods: [aPod('a'), aPod('b', { deleting: true, tracked: false })], create: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = plan(aJob(c.spec, { startTime: ago(60), uncountedTerminatedPods: {}, ...c.status }), c.pods);
      assert.deepEqual(p.create, c.create);
      assert.deepEqual(names(p.remove), c.remove ?? []);
    });
  }

  it('acts on nothing but status while its caches lag behind its writes', () => {
    const out = planJob({ job: aJob({ completions: 3, parallelism: 3 }), pods: [], synced: false, backoff: NO_BACKOFF, now: NOW });
    assert.deepEqual(out?.create, []);
  });

  it('does nothing for a finished job or one another controller manages', () => {
    const done = aJob({}, { conditions: [{ type: 'Complete', status: 'True' }] });
    assert.equal(planJob({ job: done, pods: [], synced: true, backoff: NO_BACKOFF, now: NOW }), undefined);
    assert.equal(planJob({ job: aJob({ managedBy: 'example.com/other' }), pods: [], synced: true, backoff: NO_BACKOFF, now: NOW }), undefined);
  });
});

describe('job plan: failures, backoff and deadline', () => {
  it('a failure beyond backoffLimit sets FailureTarget BackoffLimitExceeded and terminates the active pods', () => {
    const pods = [aPod('bad1', { phase: 'Failed', finishedAgo: 30, tracked: false }), aPod('bad2', { phase: 'Failed', finishedAgo: 5 }), aPod('run')];
    const p = plan(aJob({ backoffLimit: 1, parallelism: 2, completions: 3 }, { startTime: ago(60), failed: 1, uncountedTerminatedPods: {} }), pods);
    assert.deepEqual(p.flush?.conditions?.map((c) => [c.type, c.reason, c.message]), [['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']]);
    assert.deepEqual(names(p.terminate), ['run']);
    assert.deepEqual(p.create, []);
    assert.deepEqual(p.flush?.uncountedTerminatedPods, { failed: ['uid-bad2', 'uid-run'] });
    assert.equal(p.flush?.terminating, 1);
    assert.equal(p.finished?.type, 'Failed');
  });

  it('failures up to backoffLimit are retried', () => {
    const p = plan(aJob({ backoffLimit: 2 }, { startTime: ago(60), failed: 2, uncountedTerminatedPods: {} }), []);
    assert.equal(p.flush?.conditions, undefined);
    assert.deepEqual(p.create, [undefined]);
  });

  it('restartPolicy OnFailure fails once container restarts reach backoffLimit', () => {
    const job = aJob({ backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } });
    assert.equal(plan(job, [aPod('a', { restarts: 1 })]).finished, undefined);
    assert.equal(plan(job, [aPod('a', { restarts: 2 })]).finished?.reason, 'BackoffLimitExceeded');
  });

  const delays: { failures: number; lastAgo: number; wait: number | undefined }[] = [
    { failures: 1, lastAgo: 3, wait: 7_000 },
    { failures: 2, lastAgo: 3, wait: 17_000 },
    { failures: 3, lastAgo: 50, wait: undefined },
    { failures: 8, lastAgo: 60, wait: 540_000 },
  ];
  for (const d of delays) {
    it(`after ${d.failures} failure(s), the last ${d.lastAgo}s ago, a replacement waits ${d.wait ?? 0} ms`, () => {
      const p = plan(aJob(), [], { failuresAfterLastSuccess: d.failures, lastFailureTime: NOW.getTime() - d.lastAgo * 1000 });
      assert.equal(p.requeueAfterMs, d.wait);
      assert.deepEqual(p.create, d.wait === undefined ? [undefined] : []);
    });
  }

  it('counts failures since the last success for the backoff (newBackoffRecord)', () => {
    const failed = (name: string, at: number): Pod => aPod(name, { phase: 'Failed', finishedAgo: at });
    const ok = (name: string, at: number): Pod => aPod(name, { phase: 'Succeeded', finishedAgo: at });
    assert.deepEqual(nextBackoff(NO_BACKOFF, [], [failed('a', 5)]), { failuresAfterLastSuccess: 1, lastFailureTime: NOW.getTime() - 5000 });
    assert.deepEqual(nextBackoff({ failuresAfterLastSuccess: 2, lastFailureTime: 0 }, [], [failed('a', 5), failed('b', 9)]), { failuresAfterLastSuccess: 4, lastFailureTime: NOW.getTime() - 5000 });
    assert.deepEqual(nextBackoff({ failuresAfterLastSuccess: 2, lastFailureTime: 0 }, [ok('s', 7)], [failed('a', 5), failed('b', 9)]), { failuresAfterLastSuccess: 1, lastFailureTime: NOW.getTime() - 5000 });
    assert.deepEqual(nextBackoff({ failuresAfterLastSuccess: 2, lastFailureTime: 0 }, [ok('s', 1)], []), { failuresAfterLastSuccess: 0 });
  });

  it('the plan carries the backoff record forward with the new failures', () => {
    const p = plan(aJob({ backoffLimit: 5 }, { startTime: ago(60), uncountedTerminatedPods: {} }), [aPod('bad', { phase: 'Failed', finishedAgo: 2 })]);
    assert.deepEqual(p.backoff, { failuresAfterLastSuccess: 1, lastFailureTime: NOW.getTime() - 2000 });
    assert.equal(p.requeueAfterMs, 8_000);
  });

  it('past activeDeadlineSeconds: FailureTarget DeadlineExceeded', () => {
    const p = plan(aJob({ activeDeadlineSeconds: 30 }, { startTime: ago(30), uncountedTerminatedPods: {} }), [aPod('a')]);
    assert.deepEqual([p.flush?.conditions?.[0]?.type, p.flush?.conditions?.[0]?.reason, p.flush?.conditions?.[0]?.message], ['FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline']);
    assert.deepEqual(names(p.terminate), ['a']);
  });

  it('before activeDeadlineSeconds: looks again when it passes', () => {
    const p = plan(aJob({ activeDeadlineSeconds: 30 }, { startTime: ago(20), uncountedTerminatedPods: {} }), [aPod('a')]);
    assert.equal(p.finished, undefined);
    assert.equal(p.requeueAfterMs, 10_000);
  });

  it('a stored FailureTarget leads to Failed with its reason', () => {
    const target = { type: 'FailureTarget' as const, status: 'True' as const, reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    const p = plan(aJob({}, { startTime: ago(60), conditions: [target], uncountedTerminatedPods: {} }), []);
    assert.deepEqual([p.finished?.type, p.finished?.reason], ['Failed', 'DeadlineExceeded']);
  });
});

describe('job plan: suspend', () => {
  it('a suspended job deletes its active pods and reports Suspended with an event', () => {
    const p = plan(aJob({ suspend: true, parallelism: 2, completions: 4 }), [aPod('a', { ready: true }), aPod('b')]);
    assert.deepEqual(names(p.remove), ['a', 'b']);
    assert.deepEqual(p.flush?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [['Suspended', 'True', 'JobSuspended', 'Job suspended']]);
    assert.deepEqual([p.flush?.active, p.flush?.ready, p.flush?.terminating], [undefined, 0, 2]);
    assert.deepEqual(p.events, [{ type: 'Normal', reason: 'Suspended', message: 'Job suspended' }]);
  });

  it('a job created suspended gets no startTime', () => {
    const p = plan(aJob({ suspend: true }, {}), []);
    assert.equal(p.flush?.startTime, undefined);
  });

  it('resuming sets Suspended False (JobResumed) and a new startTime', () => {
    const suspended = { type: 'Suspended' as const, status: 'True' as const, reason: 'JobSuspended', message: 'Job suspended' };
    const p = plan(aJob({}, { startTime: ago(300), conditions: [suspended], uncountedTerminatedPods: {} }), []);
    assert.deepEqual(p.flush?.conditions?.map((c) => [c.type, c.status, c.reason]), [['Suspended', 'False', 'JobResumed']]);
    assert.equal(p.flush?.startTime, ago(0));
    assert.deepEqual(p.events.map((e) => e.reason), ['Resumed']);
  });
});

describe('job plan: counting through the tracking finalizer', () => {
  it('a succeeded pod with the finalizer goes to uncountedTerminatedPods, then its finalizer is removed', () => {
    const p = plan(aJob({ completions: 2, parallelism: 2 }), [aPod('done', { phase: 'Succeeded', finishedAgo: 1 }), aPod('run')]);
    assert.deepEqual(p.flush?.uncountedTerminatedPods, { succeeded: ['uid-done'] });
    assert.equal(p.flush?.succeeded, undefined, 'counted only once the finalizer is gone');
    assert.deepEqual(names(p.removeFinalizers), ['done']);
  });

  it('a crash after the first write: the uid already uncounted is not counted twice', () => {
    const status: JobStatus = { startTime: ago(60), active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: { succeeded: ['uid-done'] } };
    const p = plan(aJob({ completions: 2, parallelism: 2 }, status), [aPod('done', { phase: 'Succeeded', finishedAgo: 1 }), aPod('run')]);
    assert.equal(p.flush, undefined);
    assert.deepEqual(names(p.removeFinalizers), ['done']);
  });

  it('a crash after the finalizer went: the uncounted uid is counted, once', () => {
    const status: JobStatus = { startTime: ago(60), active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: { succeeded: ['uid-done'] } };
    const p = plan(aJob({ completions: 2, parallelism: 2 }, status), [aPod('done', { phase: 'Succeeded', finishedAgo: 1, tracked: false }), aPod('run')]);
    assert.deepEqual(p.flush?.uncountedTerminatedPods, {});
    assert.equal(p.flush?.succeeded, 1);
    assert.deepEqual(p.removeFinalizers, []);
  });

  it('a pod without the finalizer and not uncounted is never counted', () => {
    const status: JobStatus = { startTime: ago(60), succeeded: 1, active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} };
    const p = plan(aJob({ completions: 3, parallelism: 1 }, status), [aPod('old', { phase: 'Succeeded', tracked: false }), aPod('run')]);
    assert.equal(p.flush, undefined);
  });

  it('a deleted running pod counts as failed (TerminatingOrFailed) but not under podReplacementPolicy Failed', () => {
    const deleting = aPod('gone', { deleting: true });
    assert.deepEqual(plan(aJob({ completions: 2 }), [deleting]).flush?.uncountedTerminatedPods, { failed: ['uid-gone'] });
    assert.deepEqual(plan(aJob({ completions: 2, podReplacementPolicy: 'Failed' }), [deleting]).removeFinalizers, []);
  });

  it('the last success sets SuccessCriteriaMet (CompletionsReached); Complete waits for settle', () => {
    const status: JobStatus = { startTime: ago(60), succeeded: 1, uncountedTerminatedPods: {} };
    const p = plan(aJob({ completions: 2, parallelism: 2 }, status), [aPod('done', { phase: 'Succeeded', finishedAgo: 1 })]);
    assert.deepEqual(p.flush?.conditions?.map((c) => [c.type, c.reason, c.message]), [['SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods']]);
    assert.deepEqual([p.finished?.type, p.finished?.reason], ['Complete', 'CompletionsReached']);
  });

  it('an Indexed job records indexes in completedIndexes, not uids', () => {
    const job = aJob({ completionMode: 'Indexed', completions: 5, parallelism: 5 }, { startTime: ago(60), completedIndexes: '0', succeeded: 1, uncountedTerminatedPods: {} });
    const p = plan(job, [aPod('a', { phase: 'Succeeded', index: 1 }), aPod('b', { phase: 'Succeeded', index: 2 }), aPod('c', { phase: 'Succeeded', index: 4 }), aPod('d', { index: 3 })]);
    assert.equal(p.flush?.completedIndexes, '0-2,4');
    assert.equal(p.flush?.succeeded, 4);
    assert.deepEqual(p.flush?.uncountedTerminatedPods, {});
    assert.deepEqual(names(p.removeFinalizers), ['a', 'b', 'c']);
  });
});

describe('job settle: the second write', () => {
  const complete = { type: 'Complete' as const, status: 'True' as const, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };

  it('moves uids whose finalizer went into the counters and adds Complete with completionTime', () => {
    const stored: JobStatus = { startTime: ago(60), ready: 0, terminating: 0, uncountedTerminatedPods: { succeeded: ['uid-a'] }, succeeded: 1 };
    const s = settle(aJob({ completions: 2 }), stored, new Set(), complete, NOW);
    assert.equal(s.write?.succeeded, 2);
    assert.deepEqual(s.write?.uncountedTerminatedPods, {});
    assert.equal(s.write?.conditions?.[0]?.type, 'Complete');
    assert.equal(s.write?.completionTime, ago(0));
    assert.deepEqual(s.events, [{ type: 'Normal', reason: 'Completed', message: 'Job completed' }]);
  });

  it('waits while a uid is still uncounted or a pod is terminating', () => {
    const uncounted: JobStatus = { ready: 0, terminating: 0, uncountedTerminatedPods: { failed: ['uid-a'] } };
    assert.equal(settle(aJob(), uncounted, new Set(['uid-a']), complete, NOW).write, undefined);
    const terminating: JobStatus = { ready: 0, terminating: 1, uncountedTerminatedPods: {} };
    assert.equal(settle(aJob(), terminating, new Set(), { ...complete, type: 'Failed', reason: 'BackoffLimitExceeded' }, NOW).write, undefined);
  });

  it('a Failed condition is reported as a Warning event with its reason', () => {
    const failed = { type: 'Failed' as const, status: 'True' as const, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    const s = settle(aJob(), { ready: 0, terminating: 0, uncountedTerminatedPods: {} }, new Set(), failed, NOW);
    assert.equal(s.write?.completionTime, undefined);
    assert.deepEqual(s.events, [{ type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]);
  });
});

describe('job pods from the template', () => {
  it('an Indexed pod: generateName, annotation, label, hostname and the JOB_COMPLETION_INDEX env', () => {
    const pod = podForJob(aJob({ completionMode: 'Indexed', completions: 3 }), 2);
    assert.equal(pod.metadata.generateName, 'j-2-');
    assert.equal(pod.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(pod.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(pod.spec.hostname, 'j-2');
    assert.deepEqual(pod.spec.containers[0]?.env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
    assert.deepEqual(pod.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
  });

  it('a long job name is cut so the generated name fits', () => {
    const job = aJob({ completionMode: 'Indexed', completions: 20 });
    job.metadata.name = 'a'.repeat(60);
    assert.equal(podForJob(job, 12).metadata.generateName, `${'a'.repeat(54)}-12-`);
  });
});

describe('completed index sets', () => {
  const cases: [number[], string][] = [[[], ''], [[0], '0'], [[0, 1], '0,1'], [[0, 1, 2], '0-2'], [[3, 1, 0, 2, 7, 9, 10], '0-3,7,9,10']];
  for (const [indexes, text] of cases) {
    it(`${JSON.stringify(indexes)} is "${text}" and back`, () => {
      assert.equal(formatIndexes(indexes), text);
      assert.deepEqual(parseIndexes(text, 100), [...new Set(indexes)].sort((a, b) => a - b));
    });
  }
  it('parsing drops indexes at or above completions', () => assert.deepEqual(parseIndexes('1,3-6', 5), [1, 3, 4]));
});

describe('ttl after finished', () => {
  const finishedJob = (ttl: number | undefined, finishedAgo: number): Job => {
    const job = aJob(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }, { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: ago(finishedAgo) }] });
    return job;
  };
  const cases: { name: string; job: Job; want: ReturnType<typeof planTtl> }[] = [
    { name: 'no ttl: kept', job: finishedJob(undefined, 100), want: { action: 'none' } },
    { name: 'running: kept', job: aJob({ ttlSecondsAfterFinished: 0 }), want: { action: 'none' } },
    { name: 'expired: deleted', job: finishedJob(30, 30), want: { action: 'delete' } },
    { name: 'ttl 0: deleted at once', job: finishedJob(0, 0), want: { action: 'delete' } },
    { name: 'not yet: wait', job: finishedJob(100, 40), want: { action: 'wait', afterMs: 60_000 } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(planTtl(c.job, NOW), c.want));
});

describe('podFailurePolicy', () => {
  const exited = (name: string, code: number, container = 'c'): Pod => {
    const pod = aPod(name, { phase: 'Failed' });
    pod.status = { phase: 'Failed', containerStatuses: [{ name: container, ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode: code } } }] };
    return pod;
  };
  const withCondition = (name: string, type: string): Pod => {
    const pod = aPod(name, { phase: 'Failed' });
    pod.status = { phase: 'Failed', conditions: [{ type, status: 'True' }] };
    return pod;
  };
  const policy: PodFailurePolicy = {
    rules: [
      { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 42] } },
    ],
  };
  const cases: { name: string; pod: Pod; want: ReturnType<typeof matchPodFailurePolicy> }[] = [
    { name: 'FailJob on exit code 42', pod: exited('p', 42), want: { failJobMessage: 'Container c for pod default/p failed with exit code 42 matching FailJob rule at index 0', countFailed: true, action: 'FailJob' } },
    { name: 'another container name does not match rule 0', pod: exited('p', 42, 'other'), want: { countFailed: true } },
    { name: 'Ignore on a DisruptionTarget condition', pod: withCondition('p', 'DisruptionTarget'), want: { countFailed: false, action: 'Ignore' } },
    { name: 'Count on NotIn', pod: exited('p', 7), want: { countFailed: true, action: 'Count' } },
    { name: 'no rule matches: counted', pod: exited('p', 1), want: { countFailed: true } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(matchPodFailurePolicy(policy, c.pod), c.want));

  it('a FailJob match sets FailureTarget with reason PodFailurePolicy and the rule message', () => {
    const p = plan(aJob({ podFailurePolicy: policy, podReplacementPolicy: 'Failed', parallelism: 2, completions: 2 }), [exited('p', 42), aPod('run')]);
    assert.deepEqual(p.flush?.conditions?.map((c) => [c.type, c.reason, c.message]), [['FailureTarget', 'PodFailurePolicy', 'Container c for pod default/p failed with exit code 42 matching FailJob rule at index 0']]);
    assert.deepEqual(names(p.terminate), ['run']);
  });

  it('an ignored failure is not counted, its finalizer still goes, and the pod is replaced', () => {
    const p = plan(aJob({ podFailurePolicy: policy, podReplacementPolicy: 'Failed', backoffLimit: 0 }), [withCondition('p', 'DisruptionTarget')]);
    assert.equal(p.finished, undefined);
    assert.deepEqual(p.flush?.uncountedTerminatedPods, {});
    assert.deepEqual(names(p.removeFinalizers), ['p']);
  });
});

describe('successPolicy (Indexed jobs)', () => {
  const cases: { name: string; policy: SuccessPolicy; succeeded: number[]; want: string | undefined }[] = [
    { name: 'all listed indexes succeeded', policy: { rules: [{ succeededIndexes: '0,2' }] }, succeeded: [0, 2], want: 'Matched rules at index 0' },
    { name: 'a listed index missing', policy: { rules: [{ succeededIndexes: '0-2' }] }, succeeded: [0, 2], want: undefined },
    { name: 'a count within the listed indexes', policy: { rules: [{ succeededIndexes: '0-3', succeededCount: 2 }] }, succeeded: [1, 3], want: 'Matched rules at index 0' },
    { name: 'a count alone, second rule', policy: { rules: [{ succeededIndexes: '9' }, { succeededCount: 2 }] }, succeeded: [4, 5], want: 'Matched rules at index 1' },
    { name: 'nothing succeeded', policy: { rules: [{ succeededCount: 0 }] }, succeeded: [], want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(matchSuccessPolicy(c.policy, 10, c.succeeded), c.want));

  it('a met rule sets SuccessCriteriaMet (SuccessPolicy) and terminates the other pods, which do not count as failed', () => {
    const job = aJob({ completionMode: 'Indexed', completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: '0' }] } });
    const p = plan(job, [aPod('a', { phase: 'Succeeded', index: 0 }), aPod('b', { index: 1 }), aPod('c', { index: 2 })]);
    assert.deepEqual(p.flush?.conditions?.map((c) => [c.type, c.reason, c.message]), [['SuccessCriteriaMet', 'SuccessPolicy', 'Matched rules at index 0']]);
    assert.deepEqual(names(p.terminate), ['b', 'c']);
    assert.deepEqual(p.flush?.uncountedTerminatedPods, {});
    assert.deepEqual([p.finished?.type, p.finished?.reason], ['Complete', 'SuccessPolicy']);
  });
});
