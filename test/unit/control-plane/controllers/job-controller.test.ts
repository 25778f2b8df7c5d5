import assert from 'node:assert/strict';
import type { Job, JobSpec } from '../../../../api/batch-v1';
import type { Event, Pod, PodStatus } from '../../../../api/core-v1';
import { jobController } from '../../../../control-plane/controllers/job-controller';
import { JOB_TRACKING_FINALIZER } from '../../../../control-plane/controllers/job-pods';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';

const JOBS = 'jobs.batch';

function aJob(name: string, spec: Partial<JobSpec> = {}): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } }, ...spec },
  };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('job controller over the in-memory store', () => {
  let store: MemoryStore;
  let harness: ControllerHarness;

  beforeEach(async () => {
    store = new MemoryStore();
    harness = new ControllerHarness({ store }).run(jobController);
    await harness.registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });
  afterEach(() => harness.stop());

  const getJob = (name: string): Promise<Job> => harness.registry.get<Job>(JOBS, 'default', name);
  const podsOf = async (job: Job): Promise<Pod[]> =>
    (await harness.registry.list<Pod>('pods', { namespace: 'default' })).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid));
  const active = async (job: Job): Promise<Pod[]> => (await podsOf(job)).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const describe = async (name: string): Promise<string> => {
    const job = await getJob(name);
    return JSON.stringify({ status: job.status, pods: (await podsOf(job)).map((p) => [p.metadata.name, p.status?.phase, p.metadata.finalizers, p.metadata.deletionTimestamp]) });
  };
  const finish = async (pod: Pod, phase: 'Succeeded' | 'Failed', exitCode = phase === 'Succeeded' ? 0 : 1): Promise<void> => {
    const now = new Date().toISOString();
    const status: PodStatus = {
      phase, containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode, finishedAt: now, reason: phase === 'Succeeded' ? 'Completed' : 'Error' } } }],
    };
    const current = await harness.registry.get<Pod>('pods', 'default', pod.metadata.name ?? '');
    await harness.registry.updateStatus('pods', 'default', pod.metadata.name ?? '', { ...current, status });
  };
  const events = async (name: string): Promise<Event[]> =>
    (await harness.registry.list<Event>('events', { namespace: 'default' })).items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Job');
  const condition = (job: Job, type: string): string | undefined => job.status?.conditions?.find((c) => c.type === type)?.status;

  it('runs completions 3 with parallelism 2 and never more than 2 pods at once, then is Complete', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('work', { completions: 3, parallelism: 2 }));
    for (let done = 0; done < 3; done++) {
      const running = await until(async () => { const a = await active(job); return a.length > 0 && a; }, { timeoutMs: 5000, describe: () => describe('work') });
      assert.ok(running.length <= 2, await describe('work'));
      await finish(running[0] as Pod, 'Succeeded');
      await until(async () => ((await getJob('work')).status?.succeeded ?? 0) === done + 1, { timeoutMs: 5000, describe: () => describe('work') });
    }
    const done = await until(async () => { const j = await getJob('work'); return condition(j, 'Complete') === 'True' && j; }, { timeoutMs: 5000, describe: () => describe('work') });
    assert.equal(condition(done, 'SuccessCriteriaMet'), 'True');
    assert.deepEqual(done.status?.conditions?.map((c) => [c.type, c.reason, c.message]), [
      ['SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    assert.equal(done.status?.succeeded, 3);
    assert.equal(done.status?.active, undefined);
    assert.deepEqual(done.status?.uncountedTerminatedPods, {});
    assert.ok(done.status?.completionTime && done.status.startTime);
    assert.equal((await podsOf(job)).length, 3);
    for (const pod of await podsOf(job)) {
      assert.match(pod.metadata.name ?? '', /^work-[a-z0-9]{5}$/);
      assert.equal(pod.metadata.finalizers, undefined, 'the tracking finalizer is removed once counted');
    }
    const reasons = (await events('work')).map((e) => e.reason);
    assert.equal(reasons.filter((r) => r === 'SuccessfulCreate').length, 3);
    assert.ok(reasons.includes('Completed'));
  });

  it('creates its pods with the tracking finalizer and itself as the blocking controller', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('one'));
    const [pod] = await until(async () => { const a = await active(job); return a.length === 1 && a; }, { timeoutMs: 5000 });
    assert.deepEqual(pod?.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.deepEqual(pod?.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'one', uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const status = await until(async () => { const s = (await getJob('one')).status; return s?.active === 1 && s; }, { timeoutMs: 5000 });
    assert.deepEqual({ ...status, startTime: 'x' }, { active: 1, ready: 0, terminating: 0, startTime: 'x', uncountedTerminatedPods: {} });
  });

  it('writes nothing more while its pods run (an idle cluster is quiet)', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('quiet', { parallelism: 2, completions: 4 }));
    await until(async () => (await getJob('quiet')).status?.active === 2 && (await active(job)).length === 2, { timeoutMs: 5000 });
    await pause(200);
    const revision = await store.currentRevision();
    await pause(500);
    assert.equal(await store.currentRevision(), revision);
  });

  it('an Indexed job gives each pod its index (name, annotation, label, hostname, env) and records completedIndexes', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = await until(async () => { const a = await active(job); return a.length === 3 && a; }, { timeoutMs: 5000 });
    const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    for (const index of ['0', '1', '2']) {
      const pod = byIndex.get(index);
      assert.ok(pod, `a pod for index ${index}`);
      assert.match(pod.metadata.name ?? '', new RegExp(`^idx-${index}-[a-z0-9]{5}$`));
      assert.equal(pod.metadata.labels?.['batch.kubernetes.io/job-completion-index'], index);
      assert.equal(pod.spec.hostname, `idx-${index}`);
      assert.deepEqual(pod.spec.containers[0]?.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['batch.kubernetes.io/job-completion-index']");
    }
    await finish(byIndex.get('0') as Pod, 'Succeeded');
    await finish(byIndex.get('2') as Pod, 'Succeeded');
    await until(async () => (await getJob('idx')).status?.completedIndexes === '0,2', { timeoutMs: 5000, describe: () => describe('idx') });
    assert.equal((await getJob('idx')).status?.succeeded, 2);
    await finish(byIndex.get('1') as Pod, 'Succeeded');
    const done = await until(async () => { const j = await getJob('idx'); return condition(j, 'Complete') === 'True' && j; }, { timeoutMs: 5000, describe: () => describe('idx') });
    assert.equal(done.status?.completedIndexes, '0-2');
    assert.equal(done.status?.uncountedTerminatedPods?.succeeded, undefined);
  });

  it('replaces a failed pod of the same index in an Indexed job', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('redo', { completions: 2, parallelism: 2, completionMode: 'Indexed', backoffLimit: 3 }));
    const pods = await until(async () => { const a = await active(job); return a.length === 2 && a; }, { timeoutMs: 5000 });
    const one = pods.find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1') as Pod;
    await finish(one, 'Failed');
    await until(async () => (await getJob('redo')).status?.failed === 1, { timeoutMs: 5000, describe: () => describe('redo') });
    assert.equal((await active(job)).length, 1, 'the replacement waits out the 10 s pod failure backoff');
  });

  it('fails with BackoffLimitExceeded (FailureTarget, then Failed) once failures pass backoffLimit', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('bad', { backoffLimit: 0 }));
    const [pod] = await until(async () => { const a = await active(job); return a.length === 1 && a; }, { timeoutMs: 5000 });
    await finish(pod as Pod, 'Failed');
    const failed = await until(async () => { const j = await getJob('bad'); return condition(j, 'Failed') === 'True' && j; }, { timeoutMs: 5000, describe: () => describe('bad') });
    assert.deepEqual(failed.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
      ['FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    assert.equal(failed.status?.failed, 1);
    assert.equal(failed.status?.completionTime, undefined);
    const warning = (await events('bad')).find((e) => e.reason === 'BackoffLimitExceeded');
    assert.equal(warning?.type, 'Warning');
    assert.equal(warning?.message, 'Job has reached the specified backoff limit');
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds, deleting its running pods', async function () {
    this.timeout(10_000);
    // startTime has whole seconds (as metav1.Time), so a deadline of 3 s leaves at least 2 s to see the pods.
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('slow', { activeDeadlineSeconds: 3, parallelism: 2, completions: 2 }));
    await until(async () => (await active(job)).length === 2, { timeoutMs: 5000 });
    const failed = await until(async () => { const j = await getJob('slow'); return condition(j, 'Failed') === 'True' && j; }, { timeoutMs: 8000, describe: () => describe('slow') });
    assert.equal(failed.status?.conditions?.find((c) => c.type === 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(failed.status?.conditions?.find((c) => c.type === 'Failed')?.message, 'Job was active longer than specified deadline');
    assert.equal(failed.status?.failed, 2, 'the pods deleted at the deadline count as failed');
    assert.equal((await active(job)).length, 0);
    for (const pod of await podsOf(job)) assert.equal(pod.metadata.finalizers, undefined);
  });

  it('suspends (pods deleted without counting as failures, Suspended condition) and resumes with a new startTime', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('nap', { parallelism: 2, completions: 4 }));
    await until(async () => (await active(job)).length === 2, { timeoutMs: 5000 });
    const started = (await until(async () => (await getJob('nap')).status?.startTime, { timeoutMs: 5000 })) as string;
    await harness.registry.patch(JOBS, 'default', 'nap', 'merge-patch', { spec: { suspend: true } });
    const suspended = await until(async () => { const j = await getJob('nap'); return condition(j, 'Suspended') === 'True' && j; }, { timeoutMs: 5000, describe: () => describe('nap') });
    const cond = suspended.status?.conditions?.find((c) => c.type === 'Suspended');
    assert.deepEqual([cond?.reason, cond?.message], ['JobSuspended', 'Job suspended']);
    await until(async () => (await active(job)).length === 0, { timeoutMs: 5000, describe: () => describe('nap') });
    await pause(1100);
    await harness.registry.patch(JOBS, 'default', 'nap', 'merge-patch', { spec: { suspend: false } });
    const resumed = await until(async () => { const j = await getJob('nap'); return condition(j, 'Suspended') === 'False' && j; }, { timeoutMs: 5000, describe: () => describe('nap') });
    assert.equal(resumed.status?.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobResumed');
    assert.notEqual(resumed.status?.startTime, started);
    await until(async () => (await active(job)).length === 2, { timeoutMs: 5000, describe: () => describe('nap') });
    assert.equal((await getJob('nap')).status?.failed, undefined);
    const reasons = (await events('nap')).map((e) => e.reason);
    assert.ok(reasons.includes('Suspended') && reasons.includes('Resumed'), reasons.join());
  });

  it('a work-queue job (parallelism, no completions) is complete once one pod succeeded and the rest ended', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('queue', { parallelism: 3 }));
    const pods = await until(async () => { const a = await active(job); return a.length === 3 && a; }, { timeoutMs: 5000 });
    await finish(pods[0] as Pod, 'Succeeded');
    await until(async () => (await getJob('queue')).status?.succeeded === 1, { timeoutMs: 5000, describe: () => describe('queue') });
    await pause(300);
    assert.equal((await active(job)).length, 2, 'no new pod once one succeeded');
    assert.notEqual(condition(await getJob('queue'), 'Complete'), 'True');
    await finish(pods[1] as Pod, 'Succeeded');
    await finish(pods[2] as Pod, 'Succeeded');
    const done = await until(async () => { const j = await getJob('queue'); return condition(j, 'Complete') === 'True' && j; }, { timeoutMs: 5000, describe: () => describe('queue') });
    assert.equal(done.status?.succeeded, 3);
  });

  it('lets the pods of a deleted job go: their tracking finalizer is removed', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('gone', { parallelism: 2, completions: 2 }));
    await until(async () => (await active(job)).length === 2, { timeoutMs: 5000 });
    await harness.registry.delete(JOBS, 'default', 'gone', { propagationPolicy: 'Orphan' });
    await until(async () => (await harness.registry.list<Pod>('pods', { namespace: 'default' })).items.every((p) => p.metadata.finalizers === undefined), { timeoutMs: 5000 });
  });

  it('a controller stopped after its pods finished and started anew counts each exactly once', async () => {
    const job = await harness.registry.create<Job>(JOBS, 'default', aJob('again', { completions: 4, parallelism: 4 }));
    const pods = await until(async () => { const a = await active(job); return a.length === 4 && a; }, { timeoutMs: 5000 });
    await harness.stop();
    for (const pod of pods) await finish(pod, 'Succeeded');
    harness = new ControllerHarness({ store }).run(jobController);
    const done = await until(async () => { const j = await getJob('again'); return condition(j, 'Complete') === 'True' && j; }, { timeoutMs: 5000, describe: () => describe('again') });
    assert.equal(done.status?.succeeded, 4);
    assert.equal((await podsOf(job)).length, 4);
  });
});
