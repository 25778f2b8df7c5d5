/**
 * The Job controller's decisions (pkg/controller/job syncJob, manageJob and
 * trackJobStatusAndRemoveFinalizers, 1.32), without I/O.
 *
 * Pods are counted through the batch.kubernetes.io/job-tracking finalizer: a finished pod that
 * still carries it is new; its uid goes into status.uncountedTerminatedPods (an Indexed Job
 * records its index in completedIndexes instead) in a first status write, then its finalizer
 * is removed, then a second write moves the uids whose pods lost the finalizer into
 * succeeded/failed. A crash between any two steps leaves a state the next pass finishes, and
 * a pod without the finalizer is never counted again.
 *
 * A Job that must end first gets the interim condition (FailureTarget or SuccessCriteriaMet)
 * and its active pods are deleted; Failed or Complete follows once nothing is uncounted or
 * terminating, as 1.32 does with JobPodReplacementPolicy and JobManagedBy on.
 */
import type { Job, JobCondition, JobConditionType, JobStatus } from '../../api/batch-v1';
import type { Pod } from '../../api/core-v1';
import { podsToDelete, rankPodsForDeletion } from '../../api/active-pods-ranking';
import { remainingPodFailureBackoffMs } from '../../api/job-backoff';
import { isPodActive, isPodReady } from '../../api/pod-readiness';
import { stableJson, timestamp } from '../registry/object-meta';
import { formatIndexes, parseIndexes } from './job-indexes';
import { matchPodFailurePolicy } from './job-pod-failure-policy';
import {
  completionIndexOf, finishedTimeOf, hasTrackingFinalizer, hasValidIndex, isIndexedJob, isPodFailed, isPodTerminating,
  onlyReplaceFailedPods,
} from './job-pods';
import { matchSuccessPolicy } from './job-success-policy';

/** At most this many pods are created or deleted in one pass (MaxPodCreateDeletePerSync). */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** At most this many pods wait in uncountedTerminatedPods and new completed indexes (MaxUncountedPods). */
export const MAX_UNCOUNTED_PODS = 500;
/** The value of spec.managedBy under which this controller acts (or none). */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** The failures since the last success (the controller's in-memory backoffRecord). */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** Epoch ms of the last counted failure. */
  lastFailureTime?: number;
}

export const NO_BACKOFF: BackoffRecord = { failuresAfterLastSuccess: 0 };

export interface JobState {
  job: Job;
  /** The Job's pods (claimed), finished ones included. */
  pods: readonly Pod[];
  /** The caches show every write this controller made for the Job. */
  synced: boolean;
  backoff: BackoffRecord;
  now: Date;
}

export interface JobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface JobPlan {
  /** One entry per pod to create: its completion index (Indexed), or undefined. */
  create: (number | undefined)[];
  /** Pods to delete, their tracking finalizer removed first so they do not count as failures (deleteJobPods). */
  remove: Pod[];
  /** Active pods of a finishing Job, deleted keeping their finalizer: they count as failed (deleteActivePods). */
  terminate: Pod[];
  /** Status to write before any finalizer is removed; undefined when the stored one is right. */
  flush?: JobStatus;
  /** Pods whose tracking finalizer goes once `flush` is stored. */
  removeFinalizers: Pod[];
  /** Complete or Failed, added by `settle` once nothing is uncounted or terminating. */
  finished?: JobCondition;
  /** The backoff record once `flush` is stored. */
  backoff: BackoffRecord;
  events: JobEvent[];
  requeueAfterMs?: number;
}

export function isJobFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function isManagedByThisController(job: Job): boolean {
  return job.spec.managedBy === undefined || job.spec.managedBy === JOB_CONTROLLER_NAME;
}

/** What one sync decides; undefined when the Job is finished or another controller manages it. */
export function planJob(state: JobState): JobPlan | undefined {
  const { job } = state;
  if (isJobFinished(job) || !isManagedByThisController(job)) return undefined;
  const sync = new JobSync(state);
  return sync.plan();
}

function newCondition(type: JobConditionType, reason: string, message: string, now: Date): JobCondition {
  const time = timestamp(now);
  return { type, status: 'True', lastProbeTime: time, lastTransitionTime: time, reason, message };
}

function findCondition(job: Job, type: JobConditionType): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => c.type === type && c.status === 'True');
}

/** ensureJobConditionStatus: sets a condition's status, reason and message; a False one is not added. */
export function ensureCondition(list: JobCondition[], type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: Date): boolean {
  const i = list.findIndex((c) => c.type === type);
  const existing = list[i];
  const time = timestamp(now);
  const next: JobCondition = { type, status, lastProbeTime: time, lastTransitionTime: time, reason, message };
  if (existing) {
    if (existing.status === status && existing.reason === reason && existing.message === message) return false;
    list[i] = next;
    return true;
  }
  if (status === 'False') return false;
  list.push(next);
  return true;
}

/** One syncJob, as a small state machine over the Job's counters. */
class JobSync {
  private readonly job: Job;
  private readonly now: Date;
  private readonly status: JobStatus;
  private readonly pods: readonly Pod[];
  private readonly uncountedSucceeded: Set<string>;
  private readonly uncountedFailed: Set<string>;
  private active: Pod[];
  private activeCount: number;
  private ready: number;
  private terminating: number;
  private succeeded: number;
  private failed: number;
  private succeededIndexes: number[] = [];
  private finished?: JobCondition;
  private readonly out: JobPlan;

  constructor(private readonly state: JobState) {
    this.job = state.job;
    this.now = state.now;
    this.pods = state.pods;
    this.status = structuredClone(state.job.status ?? {});
    const uncounted = (this.status.uncountedTerminatedPods ??= {});
    this.uncountedSucceeded = new Set(uncounted.succeeded ?? []);
    this.uncountedFailed = new Set(uncounted.failed ?? []);
    this.active = this.pods.filter(isPodActive);
    this.activeCount = this.active.length;
    this.ready = this.active.filter(isPodReady).length;
    this.terminating = this.pods.filter(isPodTerminating).length;
    const newSucceeded = this.newFinished(this.uncountedSucceeded, (p) => p.status?.phase === 'Succeeded');
    const newFailed = this.newFinished(this.uncountedFailed, (p) => isPodFailed(p, this.job));
    this.succeeded = (this.status.succeeded ?? 0) + newSucceeded.length + this.uncountedSucceeded.size;
    const counted = newFailed.filter((p) => matchPodFailurePolicy(this.job.spec.podFailurePolicy, p).countFailed);
    this.failed = (this.status.failed ?? 0) + counted.length + this.uncountedFailed.size;
    this.out = { create: [], remove: [], terminate: [], removeFinalizers: [], backoff: nextBackoff(state.backoff, newSucceeded, newFailed), events: [] };
  }

  plan(): JobPlan {
    const suspended = this.job.spec.suspend === true;
    if (!this.status.startTime && !suspended) this.status.startTime = timestamp(this.now);
    if (isIndexedJob(this.job)) this.countIndexes();
    this.finished = this.finishedCondition();
    if (this.finished) this.terminateActive();
    else this.manage();
    this.status.active = this.activeCount;
    this.status.ready = this.ready;
    this.status.terminating = this.terminating;
    this.track();
    return this.out;
  }

  /** getValidPodsWithFilter: finished pods still carrying the finalizer and not yet uncounted. */
  private newFinished(uncounted: Set<string>, filter: (pod: Pod) => boolean): Pod[] {
    return this.pods.filter((p) => hasTrackingFinalizer(p) && !uncounted.has(p.metadata.uid ?? '') && hasValidIndex(this.job, p) && filter(p));
  }

  /**
   * A stored interim condition, then a FailJob rule of the podFailurePolicy, then the backoff
   * limit, then the deadline (which also sets when to look again), then the successPolicy.
   */
  private finishedCondition(): JobCondition | undefined {
    const met = findCondition(this.job, 'SuccessCriteriaMet');
    if (met) return met;
    const target = findCondition(this.job, 'FailureTarget');
    if (target) return { ...target, type: 'Failed' };
    const failJob = this.failJobMessage();
    if (failJob !== undefined) return newCondition('FailureTarget', 'PodFailurePolicy', failJob, this.now);
    if (this.failed > (this.job.spec.backoffLimit ?? 6) || this.pastBackoffLimitOnFailure()) {
      return newCondition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', this.now);
    }
    const deadline = this.deadlineRemainingMs();
    if (deadline !== undefined && deadline <= 0) return newCondition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', this.now);
    if (deadline !== undefined) this.requeueAfter(deadline);
    const success = isIndexedJob(this.job) ? matchSuccessPolicy(this.job.spec.successPolicy, this.job.spec.completions ?? 0, this.succeededIndexes) : undefined;
    return success === undefined ? undefined : newCondition('SuccessCriteriaMet', 'SuccessPolicy', success, this.now);
  }

  /** getFailJobMessage: the first failed pod a FailJob rule matches. */
  private failJobMessage(): string | undefined {
    const policy = this.job.spec.podFailurePolicy;
    if (!policy) return undefined;
    for (const pod of this.pods) {
      if (!isPodFailed(pod, this.job)) continue;
      const message = matchPodFailurePolicy(policy, pod).failJobMessage;
      if (message !== undefined) return message;
    }
    return undefined;
  }

  /** pastBackoffLimitOnFailure: container restarts of running and pending pods, for restartPolicy OnFailure. */
  private pastBackoffLimitOnFailure(): boolean {
    if (this.job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
    let restarts = 0;
    for (const p of this.pods) {
      if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
      for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) restarts += s.restartCount;
    }
    const limit = this.job.spec.backoffLimit ?? 6;
    return limit === 0 ? restarts > 0 : restarts >= limit;
  }

  /** Milliseconds left before activeDeadlineSeconds; undefined without a deadline, a start or while suspended. */
  private deadlineRemainingMs(): number | undefined {
    const seconds = this.job.spec.activeDeadlineSeconds;
    const start = Date.parse(this.status.startTime ?? '');
    if (seconds === undefined || !Number.isFinite(start) || this.job.spec.suspend === true) return undefined;
    return start + seconds * 1000 - this.now.getTime();
  }

  /** calculateSucceededIndexes: the stored completedIndexes and the indexes of succeeded pods still tracked. */
  private countIndexes(): void {
    const completions = this.job.spec.completions ?? 0;
    const indexes = new Set(parseIndexes(this.status.completedIndexes, completions));
    for (const p of this.pods) {
      if (p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p) && hasValidIndex(this.job, p)) indexes.add(completionIndexOf(p));
    }
    this.succeededIndexes = [...indexes];
    this.succeeded = indexes.size;
  }

  /** A finishing Job deletes its active pods; it finishes only once the caches show all its writes. */
  private terminateActive(): void {
    this.out.terminate = this.active;
    if (!this.state.synced) this.finished = undefined;
    this.terminating += this.active.length;
    this.ready -= this.active.filter(isPodReady).length;
    this.activeCount = 0;
  }

  private manage(): void {
    let manageCalled = false;
    if (this.state.synced && !this.job.metadata.deletionTimestamp) {
      manageCalled = true;
      if (this.job.spec.suspend === true) this.removePods(this.active);
      else this.scale();
    }
    const completions = this.job.spec.completions;
    const complete = completions === undefined ? this.succeeded > 0 && this.activeCount === 0 : this.succeeded >= completions && this.activeCount === 0;
    if (complete) this.finished = newCondition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', this.now);
    else if (manageCalled) this.suspendCondition();
  }

  /** Suspended True while suspended; False (and a new startTime) on resume. */
  private suspendCondition(): void {
    const conditions = (this.status.conditions ??= []);
    if (this.job.spec.suspend === true) {
      if (ensureCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', this.now)) this.event('Normal', 'Suspended', 'Job suspended');
    } else if (ensureCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', this.now)) {
      this.event('Normal', 'Resumed', 'Job resumed');
      this.status.startTime = timestamp(this.now);
    }
    if (conditions.length === 0) delete this.status.conditions;
  }

  private removePods(pods: readonly Pod[]): void {
    const chosen = pods.slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    this.out.remove = chosen;
    this.activeCount -= chosen.length;
    this.terminating += chosen.length;
    this.ready -= chosen.filter(isPodReady).length;
  }

  /** manageJob for a running Job: delete the surplus (duplicate indexes first), else create what is missing. */
  private scale(): void {
    const parallelism = this.job.spec.parallelism ?? 1;
    const completions = this.job.spec.completions;
    let wantActive: number;
    if (completions === undefined) wantActive = this.succeeded > 0 ? this.activeCount : parallelism;
    else wantActive = Math.max(0, Math.min(completions - this.succeeded, parallelism));
    const surplus = this.surplusPods(Math.max(0, this.activeCount - wantActive));
    if (surplus.length > 0) return this.removePods(surplus);
    const terminating = onlyReplaceFailedPods(this.job) ? this.terminating : 0;
    let diff = Math.min(wantActive - terminating - this.activeCount, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (diff <= 0) return;
    const wait = remainingPodFailureBackoffMs(this.out.backoff.failuresAfterLastSuccess, lastFailure(this.out.backoff), this.now);
    if (wait > 0) return this.requeueAfter(wait);
    if (isIndexedJob(this.job)) {
      const indexes = this.pendingIndexes(diff);
      diff = indexes.length;
      this.out.create = indexes;
    } else {
      this.out.create = Array.from({ length: diff }, () => undefined);
    }
    this.activeCount += diff;
  }

  /** activePodsForRemoval: pods of an Indexed Job with an invalid or repeated index, then the best victims. */
  private surplusPods(atLeast: number): Pod[] {
    const chosen: Pod[] = [];
    let left: Pod[] = this.active;
    if (isIndexedJob(this.job)) {
      const seen = new Set<number>();
      left = [];
      const ranked = rankPodsForDeletion(this.active, [], this.now).reverse();
      for (const p of ranked) {
        const index = completionIndexOf(p);
        if (!hasValidIndex(this.job, p) || seen.has(index)) chosen.push(p);
        else (seen.add(index), left.push(p));
      }
    }
    if (chosen.length < atLeast) chosen.push(...podsToDelete(left, [], atLeast - chosen.length, this.now));
    return chosen;
  }

  /** firstPendingIndexes: the lowest indexes neither succeeded nor held by an active (or, if only failed pods are replaced, terminating) pod. */
  private pendingIndexes(count: number): number[] {
    const taken = new Set(this.succeededIndexes);
    const holders = onlyReplaceFailedPods(this.job) ? this.pods.filter((p) => isPodActive(p) || isPodTerminating(p)) : this.active;
    for (const p of holders) taken.add(completionIndexOf(p));
    const out: number[] = [];
    for (let i = 0; i < (this.job.spec.completions ?? 0) && out.length < count; i++) if (!taken.has(i)) out.push(i);
    return out;
  }

  /** trackJobStatusAndRemoveFinalizers up to the first write: what to count and which finalizers go. */
  private track(): void {
    const status = this.status;
    const withFinalizer = new Set(this.pods.filter(hasTrackingFinalizer).map((p) => p.metadata.uid ?? ''));
    moveCounted(status, withFinalizer);
    const uncounted = status.uncountedTerminatedPods ?? {};
    let reachedMax = false;
    for (const pod of this.pods) {
      if (!hasTrackingFinalizer(pod)) continue;
      const failed = isPodFailed(pod, this.job);
      if (!this.canRemoveFinalizer(pod, failed)) continue;
      this.out.removeFinalizers.push(pod);
      this.countFinished(pod, failed, uncounted);
      if ((uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    status.uncountedTerminatedPods = uncounted;
    if (isIndexedJob(this.job)) {
      status.completedIndexes = formatIndexes(this.succeededIndexes);
      status.succeeded = this.succeededIndexes.length;
    }
    this.interimCondition();
    if (reachedMax) delete this.out.finished;
    const next = withoutZeros(status);
    if (stableJson(next) !== stableJson(this.job.status ?? {})) this.out.flush = next;
  }

  private canRemoveFinalizer(pod: Pod, failed: boolean): boolean {
    return Boolean(this.job.metadata.deletionTimestamp) || this.finished !== undefined || pod.status?.phase === 'Succeeded' || failed;
  }

  /** Records a finished pod's uid as uncounted: a NonIndexed success (an Indexed one is its index), or a failure. */
  private countFinished(pod: Pod, failed: boolean, uncounted: NonNullable<JobStatus['uncountedTerminatedPods']>): void {
    const uid = pod.metadata.uid ?? '';
    if (pod.status?.phase === 'Succeeded' && !this.uncountedFailed.has(uid)) {
      if (isIndexedJob(this.job) || this.uncountedSucceeded.has(uid)) return;
      (uncounted.succeeded ??= []).push(uid);
      this.uncountedSucceeded.add(uid);
      return;
    }
    const failing = failed || (this.finished !== undefined && this.finished.type !== 'SuccessCriteriaMet');
    if (!failing || this.uncountedFailed.has(uid) || !hasValidIndex(this.job, pod)) return;
    if (!matchPodFailurePolicy(this.job.spec.podFailurePolicy, pod).countFailed) return;
    (uncounted.failed ??= []).push(uid);
    this.uncountedFailed.add(uid);
  }

  /** The interim condition is stored with the first write; the terminal one waits for `settle`. */
  private interimCondition(): void {
    const finished = this.finished;
    if (!finished) return;
    const conditions = (this.status.conditions ??= []);
    if ((finished.type === 'FailureTarget' || finished.type === 'SuccessCriteriaMet') && !conditions.some((c) => c.type === finished.type && c.status === 'True')) {
      conditions.push(finished);
    }
    const terminal = finished.type === 'SuccessCriteriaMet' || finished.type === 'Complete' ? 'Complete' : 'Failed';
    this.out.finished = newCondition(terminal, finished.reason ?? '', finished.message ?? '', this.now);
  }

  private event(type: JobEvent['type'], reason: string, message: string): void {
    this.out.events.push({ type, reason, message });
  }

  private requeueAfter(ms: number): void {
    const next = Math.max(1, Math.ceil(ms));
    this.out.requeueAfterMs = this.out.requeueAfterMs === undefined ? next : Math.min(this.out.requeueAfterMs, next);
  }
}

function lastFailure(record: BackoffRecord): Date | undefined {
  return record.lastFailureTime === undefined ? undefined : new Date(record.lastFailureTime);
}

/** newBackoffRecord: failures since the last success, and when the last of them finished. */
export function nextBackoff(record: BackoffRecord, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
  const failedTimes = newFailed.map(finishedTimeOf).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failedTimes.length === 0) return record;
    return { failuresAfterLastSuccess: record.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1] };
  }
  const lastSuccess = Math.max(...newSucceeded.map(finishedTimeOf));
  const after = failedTimes.filter((t) => t > lastSuccess);
  return after.length === 0 ? { failuresAfterLastSuccess: 0 } : { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] };
}

/**
 * cleanUncountedPodsWithoutFinalizers: uids in uncountedTerminatedPods whose pods no longer
 * carry the finalizer (or are gone) move into succeeded and failed. Mutates `status`.
 */
export function moveCounted(status: JobStatus, withFinalizer: ReadonlySet<string>): void {
  const uncounted = (status.uncountedTerminatedPods ??= {});
  const keep = (uids: string[] | undefined): string[] => (uids ?? []).filter((uid) => withFinalizer.has(uid));
  const succeeded = keep(uncounted.succeeded);
  const failed = keep(uncounted.failed);
  status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded?.length ?? 0) - succeeded.length;
  status.failed = (status.failed ?? 0) + (uncounted.failed?.length ?? 0) - failed.length;
  status.uncountedTerminatedPods = { ...(succeeded.length ? { succeeded } : {}), ...(failed.length ? { failed } : {}) };
}

/** The status as the API stores it: int32 counters with omitempty drop a zero; ready and terminating are pointers and stay. */
function withoutZeros(status: JobStatus): JobStatus {
  const out: JobStatus = { ...status };
  for (const k of ['active', 'succeeded', 'failed'] as const) if (out[k] === 0) delete out[k];
  if (out.completedIndexes === '') delete out.completedIndexes;
  if (out.conditions?.length === 0) delete out.conditions;
  return out;
}

export interface Settled {
  /** The status to write after the finalizers went; undefined when it is `stored` already. */
  write?: JobStatus;
  events: JobEvent[];
}

/**
 * The end of a pass (flushUncountedAndRemoveFinalizers' second half and enactJobFinished):
 * uids whose finalizer is gone are counted; the terminal condition is added once nothing is
 * uncounted or terminating, with completionTime for Complete, and its event.
 */
export function settle(job: Job, stored: JobStatus, withFinalizer: ReadonlySet<string>, finished: JobCondition | undefined, now: Date): Settled {
  const status = structuredClone(stored);
  moveCounted(status, withFinalizer);
  const events: JobEvent[] = [];
  const uncounted = status.uncountedTerminatedPods ?? {};
  const waiting = (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) + (status.terminating ?? 0);
  if (finished && waiting === 0) {
    const conditions = (status.conditions ??= []);
    ensureCondition(conditions, finished.type, 'True', finished.reason ?? '', finished.message ?? '', now);
    if (finished.type === 'Complete') {
      status.completionTime = timestamp(now);
      const completions = job.spec.completions;
      if (completions !== undefined && (status.succeeded ?? 0) > completions) events.push({ type: 'Warning', reason: 'TooManySucceededPods', message: 'Too many succeeded pods running after completion count reached' });
      events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
    } else {
      events.push({ type: 'Warning', reason: finished.reason ?? '', message: finished.message ?? '' });
    }
  }
  const next = withoutZeros(status);
  return { write: stableJson(next) === stableJson(stored) ? undefined : next, events };
}
