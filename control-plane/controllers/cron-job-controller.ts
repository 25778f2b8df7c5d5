/**
 * The CronJob controller's wiring (decisions in cron-job-plan.ts), as the v2 controller of
 * Kubernetes 1.32: a CronJob's key on its own changes (after a change of schedule or time zone,
 * only at the new schedule's next time) and on changes of the Jobs it controls. A pass deletes
 * finished Jobs beyond the history limits, brings status.active and lastSuccessfulTime up to
 * date, then starts the Job due now, if any, and asks to be run again at the next scheduled
 * time through the injected clock (no polling). Jobs are named after their scheduled minute, so
 * a pass repeated on a stale cache, or after a restart, meets AlreadyExists instead of starting
 * a run twice. Status is written once per pass, only when it changed.
 */
import type { CronJob, Job } from '../../api/batch-v1';
import type { ObjectReference } from '../../api/core-v1';
import { nextScheduleDelayMs } from '../../api/cron-schedule';
import { isApiError } from '../../api/errors';
import type { Clock } from '../../base/clock';
import { cacheKey, type Informer } from '../store/informer';
import { unlessNotFound, type ApiClient, type EventSink } from './framework/api-client';
import { changesOf, defineController, type ControllerQueue, type WatchSource } from './framework/define-controller';
import { BY_NAMESPACE } from './framework/informer-factory';
import { controllerOf, ownerKey } from './framework/owner-references';
import {
  activeChecks, delayAfterScheduleChange, historyVictims, inActive, jobReference, jobsOf, planSchedule, reconcileActive, removeActive, withStarted,
  type ActiveFacts, type CronJobEvent,
} from './cron-job-plan';

const CRON_JOBS = 'cronjobs.batch';
const JOBS = 'jobs.batch';

/** What one pass acts through; `cronJob` is the pass's working copy, its status changed as the pass goes. */
interface Pass {
  client: ApiClient;
  events: EventSink;
  cronJob: CronJob;
}

export const cronJobController = defineController({
  name: 'cronjob-controller',
  queue: { baseDelayMs: 5, maxDelayMs: 30_000 },
  setup(ctx) {
    const cronJobs = ctx.informers.forResource<CronJob>(CRON_JOBS);
    const jobs = ctx.informers.forResource<Job>(JOBS);
    const events = ctx.events('cronjob-controller');
    const ownersOf = (job: Job | undefined): string[] => [job && ownerKey(job, 'CronJob', cronJobs)].filter((k): k is string => k !== undefined);
    return {
      watches: [cronJobChanges(cronJobs, ctx.queue, ctx.clock, events), changesOf(jobs, (job, old) => [...ownersOf(job), ...ownersOf(old)])],
      async reconcile(key) {
        const cached = cronJobs.get(key);
        if (!cached) return {};
        const pass: Pass = { client: ctx.client, events, cronJob: structuredClone(cached) };
        const children = jobsOf(cached, jobs.byIndex(BY_NAMESPACE, cached.metadata.namespace ?? ''));
        await deleteBeyondHistory(pass, children);
        const outcome = await syncCronJob(pass, children, new Date(ctx.clock.now())).then((r) => ({ ...r, failure: undefined }), (failure: unknown) => ({ requeueAfterMs: undefined, failure }));
        if (JSON.stringify(pass.cronJob.status ?? {}) !== JSON.stringify(cached.status ?? {})) {
          await ctx.client.updateStatus(CRON_JOBS, cached.metadata.namespace, cached.metadata.name ?? '', pass.cronJob);
        }
        if (outcome.failure !== undefined) throw outcome.failure;
        return { requeueAfterMs: outcome.requeueAfterMs };
      },
    };
  },
});

/** CronJob changes: at once, except a new schedule or time zone, which waits for its next time (updateCronJob). */
function cronJobChanges(cronJobs: Informer<CronJob>, queue: ControllerQueue, clock: Clock, events: EventSink): WatchSource {
  const base = changesOf(cronJobs, (cronJob) => [cacheKey(cronJob)]);
  return {
    ...base,
    subscribe: (enqueue) => cronJobs.onChange((type, cronJob, old) => {
      const change = type === 'MODIFIED' && old ? delayAfterScheduleChange(old, cronJob, new Date(clock.now())) : undefined;
      if (!change) return enqueue(cacheKey(cronJob));
      if ('event' in change) return void events.record(cronJob, change.event.type, change.event.reason, change.event.message);
      queue.addAfter(cacheKey(cronJob), change.delayMs);
    }),
  };
}

/** cleanupFinishedJobs: each deleted Job leaves status.active. */
async function deleteBeyondHistory(pass: Pass, children: readonly Job[]): Promise<void> {
  for (const job of historyVictims(pass.cronJob, children)) await deleteJob(pass, jobReference(job));
}

/** deleteJob: Background propagation (its pods go with it); false when the deletion failed (FailedDelete). */
async function deleteJob(pass: Pass, job: ObjectReference): Promise<boolean> {
  try {
    await pass.client.delete(JOBS, job.namespace, job.name ?? '', { propagationPolicy: 'Background' }).catch(unlessNotFound);
  } catch (err: unknown) {
    await pass.events.record(pass.cronJob, 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(err)}`);
    return false;
  }
  removeActive((pass.cronJob.status ??= {}), job.uid);
  await pass.events.record(pass.cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${job.name ?? ''}`);
  return true;
}

async function syncCronJob(pass: Pass, children: readonly Job[], now: Date): Promise<{ requeueAfterMs?: number }> {
  const facts = await readActiveFacts(pass, children);
  const active = reconcileActive(pass.cronJob, children, facts);
  pass.cronJob.status = active.status;
  await record(pass, active.events);
  const decision = planSchedule(pass.cronJob, now);
  await record(pass, decision.events);
  if (!decision.start) return { requeueAfterMs: decision.requeueAfterMs };
  for (const ref of decision.replace) await replace(pass, ref);
  const created = await createJob(pass, decision.job);
  if (!created) return {};
  pass.cronJob.status = withStarted(pass.cronJob.status ?? {}, created, decision.scheduledTime);
  return { requeueAfterMs: nextScheduleDelayMs(pass.cronJob, now) };
}

/** The fresh reads the cache cannot stand in for: the CronJob (for unlisted Jobs) and each unseen active Job. */
async function readActiveFacts(pass: Pass, children: readonly Job[]): Promise<ActiveFacts> {
  const { namespace, name } = pass.cronJob.metadata;
  const checks = activeChecks(pass.cronJob, children);
  const fresh = checks.unlisted.length > 0 ? await pass.client.get<CronJob>(CRON_JOBS, namespace, name ?? '') : undefined;
  const gone = new Set<string>();
  for (const ref of checks.unseen) {
    const job = await pass.client.get<Job>(JOBS, ref.namespace, ref.name ?? '').catch(unlessNotFound);
    if (!job) gone.add(ref.uid ?? '');
  }
  return { freshActive: fresh?.status?.active, gone };
}

/** concurrencyPolicy Replace: the active Job is read afresh (FailedGet) and deleted before the new one starts. */
async function replace(pass: Pass, ref: ObjectReference): Promise<void> {
  let job: Job;
  try {
    job = await pass.client.get<Job>(JOBS, ref.namespace, ref.name ?? '');
  } catch (err: unknown) {
    await pass.events.record(pass.cronJob, 'Warning', 'FailedGet', `Get job: ${errorMessage(err)}`);
    throw err;
  }
  if (!(await deleteJob(pass, { ...ref, uid: job.metadata.uid }))) throw new Error(`could not replace job ${ref.namespace ?? ''}/${ref.name ?? ''}`);
}

/**
 * Creates the Job; undefined when nothing more is to be done (it exists already and is not
 * ours, or is listed already). An existing Job of ours not yet listed is returned to be listed:
 * a previous pass created it and did not get to write status.
 */
async function createJob(pass: Pass, job: Job): Promise<Job | undefined> {
  const { cronJob } = pass;
  try {
    const created = await pass.client.create<Job>(JOBS, cronJob.metadata.namespace, job);
    await pass.events.record(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name ?? ''}`);
    return created;
  } catch (err: unknown) {
    if (isApiError(err, 'Forbidden') && err.causes.some((c) => c.reason === 'NamespaceTerminating')) throw err;
    if (!isApiError(err, 'AlreadyExists')) {
      await pass.events.record(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(err)}`);
      throw err;
    }
  }
  const existing = await pass.client.get<Job>(JOBS, cronJob.metadata.namespace, job.metadata.name ?? '');
  if (controllerOf(existing)?.uid !== cronJob.metadata.uid || inActive(cronJob.status, existing.metadata.uid)) return undefined;
  return existing;
}

async function record(pass: Pass, events: readonly CronJobEvent[]): Promise<void> {
  for (const e of events) await pass.events.record(pass.cronJob, e.type, e.reason, e.message);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
