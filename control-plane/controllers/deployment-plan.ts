/**
 * The Deployment controller's decisions (pkg/controller/deployment, 1.32: sync.go, rolling.go,
 * recreate.go, progress.go), without I/O. One pass of syncDeployment is replayed on working
 * copies of the ReplicaSets the Deployment controls: paused conditions, the new ReplicaSet
 * found (its annotations synced) or made (`<deploy>-<pod-template-hash>`), then either a
 * scaling event (proportional scaling), a paused Deployment (scaling only), Recreate or a
 * RollingUpdate step; old ReplicaSets beyond revisionHistoryLimit cleaned up; status
 * estimated. The result lists each ReplicaSet to write once (its final state, with the events
 * its changes record), the ReplicaSets to delete, and the Deployment to write (status and
 * revision annotation) when it changed. Kubernetes writes each step as it goes and learns the
 * rest on the next sync; replaying the same steps on copies gives the same end state.
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../api/apps-v1';
import { DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY } from '../../api/apps-v1';
import type { Pod, PodTemplateSpec } from '../../api/core-v1';
import {
  activeReplicaSets, desiredReplicasAnnotation, findActiveOrLatest, getProportion, isRollingUpdate, isSaturated, maxSurge,
  newReplicaSetReplicas, planOldReplicaSetScaleDown, replicasAnnotationsNeedUpdate, replicasOf, setReplicasAnnotations, sortByCreation,
  sortBySizeNewer, sortBySizeOlder, specReplicas, totalReplicas, deploymentComplete,
} from '../../api/deployment-rollout';
import { maxRevision, revisionOf, setDeploymentRevision, setNewReplicaSetRevision, sortByRevision } from '../../api/deployment-revision';
import { computePodTemplateHash } from '../../api/pod-template-hash';
import { semanticEqual } from '../../api/semantic-equality';
import { stableJson } from '../registry/object-meta';
import { calculateStatus, conditionOf, hasProgressDeadline, newCondition, progressCheckInMs, REASON, rolloutStatus, setCondition, setPausedCondition } from './deployment-status';
import { controllerReference } from './framework/owner-references';

export interface DeploymentState {
  /** As cached (never mutated). */
  deployment: Deployment;
  /** The ReplicaSets it controls, once adoption and release are done. */
  replicaSets: readonly ReplicaSet[];
  /** The pods those ReplicaSets control (Recreate waits for the old ones to be gone). */
  pods: readonly Pod[];
  now: Date;
}

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ReplicaSetWrite {
  action: 'create' | 'update';
  /** The ReplicaSet as it must be stored (an update carries the resourceVersion it was read at). */
  rs: ReplicaSet;
  /** Recorded on the Deployment once the write succeeded. */
  events: PlannedEvent[];
}

export interface DeploymentPlan {
  writes: ReplicaSetWrite[];
  /** Old ReplicaSets beyond revisionHistoryLimit (empty, settled, not being deleted). */
  deletes: ReplicaSet[];
  /** The Deployment with its new status and revision annotation; undefined when unchanged. */
  deployment?: Deployment;
  /** Look again then (the progress deadline). */
  requeueAfterMs?: number;
}

/** One pass over working copies. */
class Pass {
  readonly d: Deployment;
  readonly sets: ReplicaSet[];
  readonly writes = new Map<string, ReplicaSetWrite>();
  deletes: ReplicaSet[] = [];

  constructor(readonly state: DeploymentState) {
    this.d = structuredClone(state.deployment);
    this.d.status = structuredClone(state.deployment.status ?? {});
    this.sets = state.replicaSets.map((rs) => structuredClone(rs));
  }

  get now(): Date {
    return this.state.now;
  }

  /** Records a change of `rs` (already applied to the copy), with an event to record once written. */
  touch(rs: ReplicaSet, event?: PlannedEvent): void {
    const name = rs.metadata.name ?? '';
    const write = this.writes.get(name) ?? { action: 'update', rs, events: [] };
    if (event) write.events.push(event);
    this.writes.set(name, write);
  }
}

export function planDeployment(state: DeploymentState): DeploymentPlan {
  const pass = new Pass(state);
  const { d } = pass;
  if (d.metadata.deletionTimestamp) return finish(pass, syncStatusOnly(pass));
  setPausedCondition(d, d.status ?? {}, pass.now);
  if (d.spec.paused) return finish(pass, sync(pass));
  if (isScalingEvent(pass)) return finish(pass, sync(pass));
  return finish(pass, d.spec.strategy?.type === 'Recreate' ? rolloutRecreate(pass) : rolloutRolling(pass));
}

function finish(pass: Pass, status: DeploymentStatus): DeploymentPlan {
  const { d, state } = pass;
  const stored = state.deployment;
  const changed = stableJson(stored.status ?? {}) !== stableJson(status) || stableJson(stored.metadata.annotations ?? {}) !== stableJson(d.metadata.annotations ?? {});
  const deployment = changed ? { ...d, status } : undefined;
  return { writes: [...pass.writes.values()], deletes: pass.deletes, deployment, requeueAfterMs: progressCheckInMs(stored, status, pass.now) };
}

/** EqualIgnoreHash: the templates are semantically equal once the pod-template-hash label is dropped. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec | undefined {
  if (!template?.metadata?.labels) return template;
  const { [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: _hash, ...labels } = template.metadata.labels;
  return { ...template, metadata: { ...template.metadata, labels } };
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, sets: readonly ReplicaSet[]): ReplicaSet | undefined {
  return sortByCreation(sets).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

interface Split {
  newRS?: ReplicaSet;
  /** Every other ReplicaSet (FindOldReplicaSets' allOldRSs). */
  oldRSs: ReplicaSet[];
}

/** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (made when asked and missing) and the old ones. */
function splitReplicaSets(pass: Pass, create: boolean): Split {
  const found = findNewReplicaSet(pass.d, pass.sets);
  const oldRSs = pass.sets.filter((rs) => rs !== found);
  const newRevision = maxRevision(oldRSs) + 1;
  if (found) return { newRS: syncExistingNewReplicaSet(pass, found, newRevision), oldRSs };
  if (!create) return { oldRSs };
  return { newRS: createNewReplicaSet(pass, oldRSs, newRevision), oldRSs };
}

/** The existing new ReplicaSet gets the Deployment's annotations, revision and minReadySeconds; the Deployment its revision. */
function syncExistingNewReplicaSet(pass: Pass, rs: ReplicaSet, newRevision: number): ReplicaSet {
  const { d } = pass;
  const annotated = setNewReplicaSetRevision(d, rs, newRevision);
  const minReadyChanged = (rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
  if (annotated || minReadyChanged) {
    rs.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
    pass.touch(rs);
  }
  setDeploymentRevision(d, String(revisionOf(rs)));
  const status = (d.status ??= {});
  if (hasProgressDeadline(d) && !conditionOf(status, 'Progressing')) {
    setCondition(status, newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${rs.metadata.name ?? ''}"`, pass.now));
  }
  return rs;
}

/** The ReplicaSet `<deploy>-<hash>` a Deployment makes for its template (getNewReplicaSet's create branch). */
export function newReplicaSetFor(d: Deployment): ReplicaSet {
  const hash = computePodTemplateHash(d.spec.template, d.status?.collisionCount);
  const template = structuredClone(d.spec.template);
  const labels = { ...template.metadata?.labels, [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  template.metadata = { ...template.metadata, labels };
  const selector = structuredClone(d.spec.selector);
  selector.matchLabels = { ...selector.matchLabels, [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: `${d.metadata.name ?? ''}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [controllerReference(d)], labels: { ...labels } },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
}

function createNewReplicaSet(pass: Pass, oldRSs: ReplicaSet[], newRevision: number): ReplicaSet {
  const { d } = pass;
  const rs = newReplicaSetFor(d);
  rs.spec.replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetRevision(d, rs, newRevision);
  setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d));
  const count = specReplicas(rs);
  const event: PlannedEvent | undefined = count > 0 ? { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${rs.metadata.name ?? ''} to ${count}` } : undefined;
  pass.writes.set(rs.metadata.name ?? '', { action: 'create', rs, events: event ? [event] : [] });
  pass.sets.push(rs);
  setDeploymentRevision(d, String(newRevision));
  if (hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition('Progressing', 'True', REASON.newRSCreated, `Created new replica set "${rs.metadata.name ?? ''}"`, pass.now));
  }
  return rs;
}

function scalingEvent(direction: 'up' | 'down', rs: ReplicaSet, from: number, to: number): PlannedEvent {
  return { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${direction} replica set ${rs.metadata.name ?? ''} to ${to} from ${from}` };
}

/** scaleReplicaSet: a new size and the replica annotations, written when either differs. */
function scaleReplicaSet(pass: Pass, rs: ReplicaSet, size: number, direction: 'up' | 'down'): boolean {
  const { d } = pass;
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  const resized = specReplicas(rs) !== size;
  if (!resized && !replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const from = specReplicas(rs);
  rs.spec.replicas = size;
  setReplicasAnnotations(rs, desired, max);
  pass.touch(rs, resized ? scalingEvent(direction, rs, from, size) : undefined);
  return resized;
}

/** scaleReplicaSetAndRecordEvent: nothing when the size is already right. */
function scaleTo(pass: Pass, rs: ReplicaSet, size: number): boolean {
  if (specReplicas(rs) === size) return false;
  return scaleReplicaSet(pass, rs, size, specReplicas(rs) < size ? 'up' : 'down');
}

/** isScalingEvent: an active ReplicaSet was sized for another replica count than the Deployment's. */
function isScalingEvent(pass: Pass): boolean {
  const { newRS, oldRSs } = splitReplicaSets(pass, false);
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== replicasOf(pass.d);
  });
}

function syncStatusOnly(pass: Pass): DeploymentStatus {
  const { newRS, oldRSs } = splitReplicaSets(pass, false);
  return calculateStatus(pass.d, allOf(oldRSs, newRS), newRS, pass.now);
}

/** sync: scaling (a scaling event or a paused Deployment), history cleanup when paused, status. */
function sync(pass: Pass): DeploymentStatus {
  const { newRS, oldRSs } = splitReplicaSets(pass, false);
  scale(pass, newRS, oldRSs);
  if (pass.d.spec.paused) cleanup(pass, oldRSs);
  return calculateStatus(pass.d, allOf(oldRSs, newRS), newRS, pass.now);
}

const allOf = (oldRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] => (newRS ? [...oldRSs, newRS] : [...oldRSs]);

/** scale: one active ReplicaSet takes the whole count; a saturated new one empties the old; else proportions. */
function scale(pass: Pass, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): void {
  const { d } = pass;
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    scaleTo(pass, single, replicasOf(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) scaleTo(pass, old, 0);
    return;
  }
  if (isRollingUpdate(d)) scaleProportionally(pass, activeReplicaSets(allOf(oldRSs, newRS)));
}

/** The surplus or deficit against replicas + maxSurge, shared by the active ReplicaSets by size. */
function scaleProportionally(pass: Pass, active: ReplicaSet[]): void {
  const { d } = pass;
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - totalReplicas(active);
  const ordered = toAdd > 0 ? sortBySizeNewer(active) : toAdd < 0 ? sortBySizeOlder(active) : active;
  const direction = toAdd > 0 ? 'up' : 'down';
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of ordered) {
    const proportion = getProportion(rs, d, toAdd, added);
    sizes.set(rs, specReplicas(rs) + proportion);
    added += proportion;
  }
  ordered.forEach((rs, i) => {
    let size = sizes.get(rs) ?? specReplicas(rs);
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    scaleReplicaSet(pass, rs, size, direction);
  });
}

/** rolloutRolling: grow the new ReplicaSet, else shrink the old ones, then status (and cleanup once complete). */
function rolloutRolling(pass: Pass): DeploymentStatus {
  const { d } = pass;
  const { newRS, oldRSs } = splitReplicaSets(pass, true);
  const all = allOf(oldRSs, newRS);
  if (newRS && reconcileNewReplicaSet(pass, all, newRS)) return rolloutStatus(d, all, newRS, pass.now);
  if (newRS && reconcileOldReplicaSets(pass, newRS, activeReplicaSets(oldRSs))) return rolloutStatus(d, all, newRS, pass.now);
  if (deploymentComplete(d, d.status ?? {})) cleanup(pass, oldRSs);
  return rolloutStatus(d, all, newRS, pass.now);
}

function reconcileNewReplicaSet(pass: Pass, all: ReplicaSet[], newRS: ReplicaSet): boolean {
  const desired = replicasOf(pass.d);
  if (specReplicas(newRS) === desired) return false;
  if (specReplicas(newRS) > desired) return scaleTo(pass, newRS, desired);
  return scaleTo(pass, newRS, newReplicaSetReplicas(pass.d, all, newRS));
}

function reconcileOldReplicaSets(pass: Pass, newRS: ReplicaSet, oldRSs: ReplicaSet[]): boolean {
  const sizes = planOldReplicaSetScaleDown(pass.d, newRS, oldRSs);
  let scaled = false;
  for (const rs of sortByCreation(oldRSs)) {
    const size = sizes.get(rs.metadata.name ?? '');
    if (size !== undefined) scaled = scaleTo(pass, rs, size) || scaled;
  }
  return scaled;
}

/** rolloutRecreate: every old ReplicaSet to 0, wait until their pods are gone, then the new one at full size. */
function rolloutRecreate(pass: Pass): DeploymentStatus {
  const { d } = pass;
  let { newRS, oldRSs } = splitReplicaSets(pass, false);
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) scaledDown = scaleTo(pass, rs, 0) || scaledDown;
  if (scaledDown || oldPodsRunning(pass, newRS, oldRSs)) return rolloutStatus(d, allOf(oldRSs, newRS), newRS, pass.now);
  if (!newRS) ({ newRS, oldRSs } = splitReplicaSets(pass, true));
  if (newRS) scaleTo(pass, newRS, replicasOf(d));
  if (deploymentComplete(d, d.status ?? {})) cleanup(pass, oldRSs);
  return rolloutStatus(d, allOf(oldRSs, newRS), newRS, pass.now);
}

/** oldPodsRunning: old ReplicaSets still report pods, or pods of theirs that have not finished still exist. */
function oldPodsRunning(pass: Pass, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
  if (oldRSs.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0) > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  return pass.state.pods.some((pod) => {
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    if (!owner || owner === newRS?.metadata.uid || !oldUids.has(owner)) return false;
    return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
  });
}

/** cleanupDeployment: the oldest-revision old ReplicaSets beyond revisionHistoryLimit, if empty and settled. */
function cleanup(pass: Pass, oldRSs: readonly ReplicaSet[]): void {
  const limit = pass.d.spec.revisionHistoryLimit;
  if (limit == null) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  pass.deletes = sortByRevision(cleanable, sortByCreation).slice(0, diff).filter((rs) =>
    (rs.status?.replicas ?? 0) === 0 && specReplicas(rs) === 0 && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0) && !pass.writes.has(rs.metadata.name ?? ''));
}

/**
 * A create that met an existing ReplicaSet of the same name: ours (same controller, same
 * template) is no collision; anything else is a hash collision, and the Deployment's
 * collisionCount goes up so the next pass hashes to another name.
 */
export function planNameCollision(d: Deployment, existing: ReplicaSet): Deployment | undefined {
  const ref = existing.metadata.ownerReferences?.find((r) => r.controller);
  if (ref?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, existing.spec.template)) return undefined;
  return { ...d, status: { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 } };
}

/** A create that failed otherwise: Progressing False ReplicaSetCreateError with the error, and the event. */
export function planCreateFailure(d: Deployment, rsName: string, error: string, now: Date): { deployment?: Deployment; event: PlannedEvent } {
  const message = `Failed to create new replica set "${rsName}": ${error}`;
  const event: PlannedEvent = { type: 'Warning', reason: REASON.failedRSCreate, message };
  if (!hasProgressDeadline(d)) return { event };
  const status = structuredClone(d.status ?? {});
  setCondition(status, newCondition('Progressing', 'False', REASON.failedRSCreate, message, now));
  return { deployment: { ...d, status }, event };
}
