/**
 * The Job controller's wiring (decisions in job-plan.ts). A Job's key comes from its own
 * changes and from its pods (through their controller reference; an orphan still carrying the
 * tracking finalizer through its job-name label, so the finalizer goes). A pass claims pods,
 * deletes or creates them (slow-start batches), writes the counted status, removes the
 * tracking finalizers, then writes the settled status. No pass acts before the caches show
 * every pod and status this controller wrote for the Job (expectations on both informers), so
 * a stale cache never creates twice or counts a pod twice; after a restart, the finalizers and
 * status.uncountedTerminatedPods in etcd, not memory, say what is counted.
 */
import { JOB_NAME_LABEL, type Job } from '../../api/batch-v1';
import type { Pod } from '../../api/core-v1';
import { matchesLabels, selectorFromLabelSelector, type Selector } from '../../api/label-selector';
import { cacheKey, type Informer } from '../store/informer';
import { unlessNotFound, type ApiClient, type EventSink } from './framework/api-client';
import { adoptionPatch, claimChildren, releasePatch } from './framework/controller-ref-manager';
import { changesOf, defineController } from './framework/define-controller';
import { toSee, type Expectation, type Expectations } from './framework/expectations';
import { BY_NAMESPACE } from './framework/informer-factory';
import { controllerOf } from './framework/owner-references';
import { createControlledPod, deleteControlledPod, type PodControl } from './framework/pod-control';
import { allOrFirstFailure, slowStartBatch } from './framework/slow-start';
import { NO_BACKOFF, planJob, settle, type BackoffRecord, type JobPlan } from './job-plan';
import { hasTrackingFinalizer, JOB_TRACKING_FINALIZER, podForJob } from './job-pods';

const JOBS = 'jobs.batch';

interface Pass {
  client: ApiClient;
  events: EventSink;
  pods: Expectations<Pod>;
  jobs: Expectations<Job>;
  key: string;
  job: Job;
}

export const jobController = defineController({
  name: 'job-controller',
  queue: { baseDelayMs: 100, maxDelayMs: 30_000 },
  setup(ctx) {
    const jobs = ctx.informers.forResource<Job>(JOBS);
    const pods = ctx.informers.forResource<Pod>('pods');
    const podWrites = ctx.expectations(pods);
    const jobWrites = ctx.expectations(jobs);
    const events = ctx.events('job-controller');
    const backoffs = new Map<string, BackoffRecord>();
    const keysOf = (pod: Pod | undefined): string[] => (pod ? jobsOf(pod, jobs) : []);
    return {
      watches: [changesOf(jobs, (job) => [cacheKey(job)]), changesOf(pods, (pod, old) => [...keysOf(pod), ...keysOf(old)])],
      async reconcile(key) {
        const [namespace = '', name = ''] = key.split('/');
        const job = jobs.get(key);
        const all = pods.byIndex(BY_NAMESPACE, namespace);
        await releaseStrays(ctx.client, podWrites, key, name, job, all);
        if (!job) return forget(key, [podWrites, jobWrites], backoffs);
        if (!podWrites.satisfied(key) || !jobWrites.satisfied(key)) return {};
        const claimed = await claim(ctx.client, job, all);
        const plan = planJob({ job, pods: claimed, synced: true, backoff: backoffs.get(key) ?? NO_BACKOFF, now: new Date(ctx.clock.now()) });
        if (!plan) return releaseFinished(ctx.client, podWrites, key, claimed);
        const pass: Pass = { client: ctx.client, events, pods: podWrites, jobs: jobWrites, key, job };
        await act(pass, plan);
        await track(pass, plan, claimed, new Date(ctx.clock.now()), () => backoffs.set(key, plan.backoff));
        return plan.requeueAfterMs === undefined ? {} : { requeueAfterMs: plan.requeueAfterMs };
      },
    };
  },
});

function forget(key: string, expectations: { forget(key: string): void }[], backoffs: Map<string, BackoffRecord>): Record<string, never> {
  for (const e of expectations) e.forget(key);
  backoffs.delete(key);
  return {};
}

/** The key of a pod's Job: its controller's, or for an orphan with the finalizer, its job-name label's. */
function jobsOf(pod: Pod, jobs: Informer<Job>): string[] {
  const namespace = pod.metadata.namespace ?? '';
  const ref = controllerOf(pod);
  if (ref) return ref.kind === 'Job' && ref.apiVersion.startsWith('batch/') ? [`${namespace}/${ref.name}`] : [];
  const label = pod.metadata.labels?.[JOB_NAME_LABEL];
  if (label !== undefined && hasTrackingFinalizer(pod)) return [`${namespace}/${label}`];
  return jobs.byIndex(BY_NAMESPACE, namespace).filter((job) => {
    const selector = selectorOf(job);
    return selector !== undefined && matchesLabels(selector, pod.metadata.labels);
  }).map(cacheKey);
}

function selectorOf(job: Job): Selector | undefined {
  try {
    return job.spec.selector ? selectorFromLabelSelector(job.spec.selector) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pods named for this key that no live Job of it counts (their Job is gone or was replaced,
 * or they were orphaned) lose the tracking finalizer, so they can be deleted (handleOrphanPod).
 */
async function releaseStrays(client: ApiClient, expectations: Expectations<Pod>, key: string, name: string, job: Job | undefined, pods: readonly Pod[]): Promise<void> {
  const strays = pods.filter((p) => hasTrackingFinalizer(p) && isStray(p, name, job));
  await removeFinalizers(client, expectations, key, strays);
}

function isStray(pod: Pod, name: string, job: Job | undefined): boolean {
  const ref = controllerOf(pod);
  if (!ref) return pod.metadata.labels?.[JOB_NAME_LABEL] === name;
  return ref.kind === 'Job' && ref.name === name && ref.uid !== job?.metadata.uid;
}

/** A finished Job's pods keep no finalizer. */
async function releaseFinished(client: ApiClient, expectations: Expectations<Pod>, key: string, pods: readonly Pod[]): Promise<Record<string, never>> {
  await removeFinalizers(client, expectations, key, pods.filter(hasTrackingFinalizer));
  return {};
}

/** getPodsForJob: the pods the Job controls and matches, adopting matching orphans and releasing those that stopped matching. */
async function claim(client: ApiClient, job: Job, pods: readonly Pod[]): Promise<Pod[]> {
  const selector = selectorOf(job);
  const claims = claimChildren(job, pods, (p) => selector !== undefined && matchesLabels(selector, p.metadata.labels));
  const namespace = job.metadata.namespace;
  if (claims.adopt.length > 0) {
    const fresh = await client.get<Job>(JOBS, namespace, job.metadata.name ?? '');
    if (fresh.metadata.uid !== job.metadata.uid || fresh.metadata.deletionTimestamp) return claims.claimed.filter((p) => !claims.adopt.includes(p));
  }
  for (const pod of claims.adopt) await client.patch('pods', namespace, pod.metadata.name ?? '', 'strategic-merge-patch', adoptionPatch(job, pod)).catch(unlessNotFound);
  for (const pod of claims.release) await client.patch('pods', namespace, pod.metadata.name ?? '', 'strategic-merge-patch', releasePatch(job, pod)).catch(unlessNotFound);
  return claims.claimed;
}

async function act(pass: Pass, plan: JobPlan): Promise<void> {
  const deletions = [...plan.remove.map((p) => deletePod(pass, p, true)), ...plan.terminate.map((p) => deletePod(pass, p, false))];
  if (deletions.length > 0) await allOrFirstFailure(deletions);
  const indexes = [...plan.create];
  if (indexes.length > 0) await slowStartBatch(indexes.length, () => createControlledPod(control(pass), podForJob(pass.job, indexes.shift())));
}

/** `uncount`: the finalizer goes first, so a pod removed by suspension or a lower parallelism is no failure. */
async function deletePod(pass: Pass, pod: Pod, uncount: boolean): Promise<void> {
  if (uncount && hasTrackingFinalizer(pod)) await removeFinalizers(pass.client, pass.pods, pass.key, [pod]);
  await deleteControlledPod(control(pass), pod);
}

/** Flush, remove finalizers, settle: see job-plan.ts for why in this order. */
async function track(pass: Pass, plan: JobPlan, pods: readonly Pod[], now: Date, flushed: () => void): Promise<void> {
  const { client, job, key } = pass;
  let stored = job;
  if (plan.flush) stored = await writeStatus(pass, stored, plan.flush);
  flushed(); // the failures the backoff record counts are in etcd now (updateBackoffRecord after the flush)
  for (const e of plan.events) await pass.events.record(job, e.type, e.reason, e.message);
  const removed = await removeFinalizers(client, pass.pods, key, plan.removeFinalizers).then(() => undefined, (err: unknown) => err);
  const withFinalizer = new Set(pods.filter((p) => hasTrackingFinalizer(p) && !plan.removeFinalizers.includes(p)).map((p) => p.metadata.uid ?? ''));
  if (removed !== undefined) for (const p of plan.removeFinalizers) withFinalizer.add(p.metadata.uid ?? '');
  const settled = settle(job, stored.status ?? {}, withFinalizer, removed === undefined ? plan.finished : undefined, now);
  if (settled.write) await writeStatus(pass, stored, settled.write);
  for (const e of settled.events) await pass.events.record(job, e.type, e.reason, e.message);
  if (removed !== undefined) throw removed;
}

async function writeStatus(pass: Pass, job: Job, status: Job['status']): Promise<Job> {
  const written = await pass.client.updateStatus<Job>(JOBS, job.metadata.namespace, job.metadata.name ?? '', { ...job, status });
  pass.jobs.expect(pass.key, toSee(written));
  return written;
}

/** Strategic merge patches deleting the finalizer, with the pod's uid as a precondition. */
async function removeFinalizers(client: ApiClient, expectations: Expectations<Pod>, key: string, pods: readonly Pod[]): Promise<void> {
  await allOrFirstFailure(pods.map(async (pod) => {
    const patch = { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER], uid: pod.metadata.uid } };
    await client.patch<Pod>('pods', pod.metadata.namespace, pod.metadata.name ?? '', 'strategic-merge-patch', patch).catch(unlessNotFound);
    expectations.expect(key, toLoseFinalizer(pod));
  }));
}

/** Seen once the cache shows the pod without the finalizer, or no longer holds it (it was kept only by it). */
function toLoseFinalizer(pod: Pod): Expectation {
  return { objectKey: cacheKey(pod), uid: pod.metadata.uid ?? '', seen: (current, deleted) => deleted || current === undefined || !(current.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER) };
}


function control({ client, events, pods, key, job }: Pass): PodControl {
  return { client, events, expectations: pods, key, owner: job };
}
