import assert from 'node:assert/strict';
import type { CronJob, CronJobSpec, Job } from '../../../../api/batch-v1';
import type { Event } from '../../../../api/core-v1';
import { cronJobController } from '../../../../control-plane/controllers/cron-job-controller';
import { jobFromTemplate } from '../../../../control-plane/controllers/cron-job-plan';
import { timestamp } from '../../../../control-plane/registry/object-meta';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { FakeClock, settle } from '../../../support/fake-clock';

const CJ = 'cronjobs.batch';
const JOBS = 'jobs.batch';
const START = Date.parse('2026-12-07T10:00:30Z');
const MINUTE = 60_000;

function aCronJob(name: string, spec: Partial<CronJobSpec> = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

/** The Job name for the scheduled minute `m` minutes after 10:00. */
const jobAt = (cronJob: string, m: number): string => `${cronJob}-${Math.floor(Date.parse('2026-12-07T10:00:00Z') / MINUTE) + m}`;
const timeAt = (m: number): string => timestamp(new Date(Date.parse('2026-12-07T10:00:00Z') + m * MINUTE));

describe('cron job controller over the in-memory store, on a fake clock', function () {
  this.timeout(10_000);
  let store: MemoryStore;
  let clock: FakeClock;
  let registry: Registry;
  let harness: ControllerHarness | undefined;

  beforeEach(async () => {
    store = new MemoryStore();
    clock = new FakeClock(START);
    registry = new Registry({ store, now: () => new Date(clock.now()) });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  const start = (): void => void (harness = new ControllerHarness({ store, registry, clock }).run(cronJobController));
  const jobs = async (): Promise<Job[]> => (await registry.list<Job>(JOBS, { namespace: 'default' })).items;
  const jobNames = async (): Promise<string[]> => (await jobs()).map((j) => j.metadata.name ?? '').sort();
  const getCj = (name: string): Promise<CronJob> => registry.get<CronJob>(CJ, 'default', name);
  const events = async (reason: string): Promise<Event[]> => (await registry.list<Event>('events', { namespace: 'default' })).items.filter((e) => e.reason === reason);
  const state = async (): Promise<string> => JSON.stringify({ jobs: await jobNames(), cronJobs: (await registry.list<CronJob>(CJ, {})).items.map((c) => c.status) });
  const eventually = <T>(probe: () => Promise<T | undefined | false>): Promise<T> => until(probe, { timeoutMs: 3000, intervalMs: 10, describe: state });

  /** Creates the CronJob and waits until its first pass has asked to be woken (its timer is on the fake clock). */
  async function create(cronJob: CronJob): Promise<CronJob> {
    const timers = clock.timers;
    const created = await registry.create<CronJob>(CJ, 'default', cronJob);
    await eventually(async () => clock.timers > timers || cronJob.spec.suspend === true);
    return created;
  }

  /** Moves the fake clock to `m` minutes (and `extraMs`) after 10:00, firing the controller's timers. */
  async function advanceTo(m: number, extraMs = 100): Promise<void> {
    await clock.advance(Date.parse('2026-12-07T10:00:00Z') + m * MINUTE + extraMs - clock.now());
    await settle();
  }

  async function finish(name: string, as: 'Complete' | 'Failed', startedAt: number): Promise<void> {
    const job = await registry.get<Job>(JOBS, 'default', name);
    const conditions = [{ type: as, status: 'True' as const, lastTransitionTime: timestamp(new Date(clock.now())) }];
    const completionTime = as === 'Complete' ? timestamp(new Date(clock.now())) : undefined;
    await registry.updateStatus(JOBS, 'default', name, { ...job, status: { startTime: timeAt(startedAt), conditions, completionTime, ...(as === 'Complete' ? { succeeded: 1 } : { failed: 1 }) } });
  }

  it('starts a Job at each scheduled minute, not before, from the template, owned by the CronJob, and lists it', async () => {
    start();
    const cj = await create(aCronJob('tick'));
    await advanceTo(0, 59_000);
    assert.deepEqual(await jobNames(), []);
    await advanceTo(1);
    await eventually(async () => (await getCj('tick')).status?.lastScheduleTime === timeAt(1));
    const [job] = await jobs();
    assert.equal(job?.metadata.name, jobAt('tick', 1));
    assert.deepEqual(job?.metadata.labels, { app: 'tick' });
    assert.equal(job?.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], timeAt(1));
    assert.deepEqual(job?.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const status = (await getCj('tick')).status;
    assert.deepEqual(status?.active, [{ kind: 'Job', namespace: 'default', name: jobAt('tick', 1), uid: job?.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job?.metadata.resourceVersion }]);
    assert.deepEqual((await events('SuccessfulCreate')).map((e) => e.message), [`Created job ${jobAt('tick', 1)}`]);
    await advanceTo(2);
    await eventually(async () => (await jobNames()).length === 2);
    assert.deepEqual(await jobNames(), [jobAt('tick', 1), jobAt('tick', 2)]);
    assert.equal((await getCj('tick')).status?.active?.length, 2);
  });

  it('takes a completed Job out of active and records lastSuccessfulTime (SawCompletedJob)', async () => {
    start();
    await create(aCronJob('tick'));
    await advanceTo(1);
    await eventually(async () => (await jobNames()).length === 1);
    await advanceTo(1, 7000);
    await finish(jobAt('tick', 1), 'Complete', 1);
    const status = await eventually(async () => {
      const s = (await getCj('tick')).status;
      return s?.lastSuccessfulTime ? s : undefined;
    });
    assert.deepEqual(status, { lastScheduleTime: timeAt(1), lastSuccessfulTime: '2026-12-07T10:01:07Z' });
    assert.deepEqual((await events('SawCompletedJob')).map((e) => e.message), [`Saw completed job: ${jobAt('tick', 1)}, condition: Complete`]);
  });

  it('keeps successfulJobsHistoryLimit successful and failedJobsHistoryLimit failed Jobs, deleting the oldest', async () => {
    start();
    await create(aCronJob('tick', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    for (const [m, as] of [[1, 'Complete'], [2, 'Failed'], [3, 'Complete'], [4, 'Failed']] as const) {
      await advanceTo(m);
      await eventually(async () => (await jobNames()).includes(jobAt('tick', m)));
      await finish(jobAt('tick', m), as, m);
      await eventually(async () => !(await getCj('tick')).status?.active);
    }
    await eventually(async () => (await jobNames()).length === 2);
    assert.deepEqual(await jobNames(), [jobAt('tick', 3), jobAt('tick', 4)]);
    assert.deepEqual((await events('SuccessfulDelete')).map((e) => e.message).sort(), [`Deleted job ${jobAt('tick', 1)}`, `Deleted job ${jobAt('tick', 2)}`]);
  });

  it('Forbid: holds the next run while one is active (JobAlreadyActive), and starts it late once the active one finished', async () => {
    start();
    await create(aCronJob('tick', { concurrencyPolicy: 'Forbid' }));
    await advanceTo(1);
    await eventually(async () => (await jobNames()).length === 1);
    await advanceTo(2);
    await eventually(async () => (await events('JobAlreadyActive')).length === 1);
    assert.deepEqual(await jobNames(), [jobAt('tick', 1)]);
    assert.equal((await events('JobAlreadyActive'))[0]?.message, 'Not starting job because prior execution is running and concurrency policy is Forbid');
    await advanceTo(2, 20_000);
    await finish(jobAt('tick', 1), 'Complete', 1);
    // 10:02 is still the most recent scheduled time, and nothing is active any more.
    await eventually(async () => (await getCj('tick')).status?.lastScheduleTime === timeAt(2));
    assert.deepEqual(await jobNames(), [jobAt('tick', 1), jobAt('tick', 2)]);
    assert.deepEqual((await getCj('tick')).status?.active?.map((r) => r.name), [jobAt('tick', 2)]);
  });

  it('Replace: deletes the active Job and starts the new one in its place', async () => {
    start();
    await create(aCronJob('tick', { concurrencyPolicy: 'Replace' }));
    await advanceTo(1);
    await eventually(async () => (await jobNames()).length === 1);
    await advanceTo(2);
    await eventually(async () => JSON.stringify(await jobNames()) === JSON.stringify([jobAt('tick', 2)]));
    const active = (await getCj('tick')).status?.active ?? [];
    assert.deepEqual(active.map((r) => r.name), [jobAt('tick', 2)]);
    assert.deepEqual((await events('SuccessfulDelete')).map((e) => e.message), [`Deleted job ${jobAt('tick', 1)}`]);
  });

  it('Allow: runs beside an active Job', async () => {
    start();
    await create(aCronJob('tick'));
    await advanceTo(1);
    await advanceTo(2);
    await eventually(async () => (await getCj('tick')).status?.active?.length === 2);
  });

  it('suspended: starts nothing and writes nothing; resumed, runs the most recent missed time at once', async () => {
    start();
    await create(aCronJob('tick', { suspend: true }));
    await eventually(async () => (await getCj('tick')) !== undefined);
    await settle();
    const revision = await store.currentRevision();
    await advanceTo(3);
    await advanceTo(3, 30_000);
    assert.deepEqual(await jobNames(), []);
    assert.equal(await store.currentRevision(), revision, 'a suspended CronJob wrote to the store');
    await registry.patch(CJ, 'default', 'tick', 'merge-patch', { spec: { suspend: false } });
    await eventually(async () => (await getCj('tick')).status?.lastScheduleTime === timeAt(3));
    assert.deepEqual(await jobNames(), [jobAt('tick', 3)]);
  });

  it('is quiet between runs: no write to the store until the next scheduled time', async () => {
    start();
    await create(aCronJob('tick'));
    await advanceTo(1);
    await eventually(async () => (await getCj('tick')).status?.active?.length === 1);
    await settle();
    const revision = await store.currentRevision();
    await advanceTo(1, 59_000);
    assert.equal(await store.currentRevision(), revision);
  });

  it('after a control-plane outage starts only the most recent missed time', async () => {
    start();
    await create(aCronJob('tick'));
    await advanceTo(1);
    await eventually(async () => (await getCj('tick')).status?.lastScheduleTime === timeAt(1));
    await harness?.stop();
    harness = undefined;
    await advanceTo(5, 30_000);
    start();
    await eventually(async () => (await getCj('tick')).status?.lastScheduleTime === timeAt(5));
    assert.deepEqual(await jobNames(), [jobAt('tick', 1), jobAt('tick', 5)]);
    assert.deepEqual((await getCj('tick')).status?.active?.map((r) => r.name), [jobAt('tick', 1), jobAt('tick', 5)]);
  });

  it('after a crash between creating a Job and writing status, lists that Job instead of creating it twice', async () => {
    const cj = await registry.create<CronJob>(CJ, 'default', aCronJob('tick'));
    await advanceTo(1, 5000);
    await registry.create(JOBS, 'default', jobFromTemplate(cj, new Date(timeAt(1))));
    start();
    await eventually(async () => (await getCj('tick')).status?.lastScheduleTime === timeAt(1));
    assert.deepEqual(await jobNames(), [jobAt('tick', 1)]);
    assert.deepEqual((await getCj('tick')).status?.active?.map((r) => r.name), [jobAt('tick', 1)]);
    assert.deepEqual(await events('SuccessfulCreate'), []);
  });

  it('drops from active a Job deleted behind its back (MissingJob)', async () => {
    start();
    await create(aCronJob('tick', { concurrencyPolicy: 'Forbid' }));
    await advanceTo(1);
    await eventually(async () => (await jobNames()).length === 1);
    await registry.delete(JOBS, 'default', jobAt('tick', 1), { propagationPolicy: 'Background' });
    await eventually(async () => !(await getCj('tick')).status?.active);
    assert.deepEqual((await events('MissingJob')).map((e) => e.message), [`Active job went missing: ${jobAt('tick', 1)}`]);
    await advanceTo(2);
    await eventually(async () => (await jobNames()).length === 1 && (await jobNames())[0] === jobAt('tick', 2));
  });

  it('warns of an unfinished Job naming it as controller that it did not start (UnexpectedJob)', async () => {
    start();
    const cj = await create(aCronJob('tick'));
    const manual = jobFromTemplate(cj, new Date(timeAt(0)));
    manual.metadata.name = 'tick-manual';
    await registry.create(JOBS, 'default', manual);
    const [event] = await eventually(async () => {
      const found = await events('UnexpectedJob');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(event?.message, 'Saw a job that the controller did not create or forgot: tick-manual');
    assert.equal(event?.type, 'Warning');
    assert.equal((await getCj('tick')).status?.active, undefined);
  });

  it('waits for the new schedule after a change of schedule', async () => {
    start();
    await create(aCronJob('tick', { schedule: '0 * * * *' }));
    await advanceTo(10);
    await registry.patch(CJ, 'default', 'tick', 'merge-patch', { spec: { schedule: '*/15 * * * *' } });
    await advanceTo(14, 59_000);
    assert.deepEqual(await jobNames(), []);
    await advanceTo(15);
    await eventually(async () => (await jobNames()).length === 1);
    assert.deepEqual(await jobNames(), [jobAt('tick', 15)]);
  });
});
