/**
 * The StatefulSet controller's decisions (updateStatefulSet in stateful_set_control.go, 1.32),
 * without I/O. Given the set, the pods it claims, its claims and its current and update
 * revisions, a pass:
 *
 * 1. puts each pod in its ordinal's slot in [start, start + replicas) or condemns it;
 * 2. walks the slots lowest first: a missing pod is created (claims first), a finished one
 *    deleted (it comes back next pass), a pending one gets its missing claims, one whose
 *    identity, storage or claim references drifted is fixed. Under OrderedReady the walk stops
 *    at the first pod created, terminating, not Running and Ready, or not yet available
 *    (minReadySeconds); under Parallel it never stops;
 * 3. fixes the claim references of condemned pods, then deletes them highest first (under
 *    OrderedReady one at a time, each only once every lower pod is healthy, the first
 *    unhealthy pod excepted);
 * 4. under RollingUpdate, deletes the highest pod at or above `partition` not at the update
 *    revision, waiting while the next one down is unhealthy (OnDelete: pods change only when
 *    deleted by hand). A deleted pod is recreated from the template its ordinal is due.
 *
 * Status counts every created pod; a rolling update completes (currentRevision becomes the
 * update revision) once every pod is updated and ready.
 */
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from '../../api/apps-v1';
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';
import { matchesLabels, selectorFromLabelSelector, type Selector } from '../../api/label-selector';
import { podReadyCondition } from '../../api/pod-readiness';
import { claimChildren } from './framework/controller-ref-manager';
import { templateOfRevision } from './framework/controller-history';
import { claimsBeingDeleted, claimsToReown, missingClaims, podClaimIsStale, withRetentionOwners, type ClaimLookup } from './stateful-set-claims';
import {
  identityMatches, isCreated, isFinished, isHealthy, isMemberOf, isRunningAndAvailable, isRunningAndReady, isTerminating,
  newStatefulSetPod, ordinalOf, podRevision, setWithTemplate, startOrdinal, storageMatches, withIdentity, withStorage,
} from './stateful-set-pods';

export interface StatefulSetState {
  set: StatefulSet;
  /** The pods of the set's namespace, as cached. */
  pods: readonly Pod[];
  claimOf: ClaimLookup;
  currentRevision: ControllerRevision;
  updateRevision: ControllerRevision;
  /** The collision count the update revision was named with. */
  collisionCount: number;
  /** The cache shows every pod this controller created or deleted (its expectations). */
  synced: boolean;
  now: Date;
}

export type StatefulSetAction =
  /** Create the pod, after its missing claims. */
  | { op: 'create'; pod: Pod; claims: PersistentVolumeClaim[] }
  /** A pending pod's claims that went missing. */
  | { op: 'createClaims'; pod: Pod; claims: PersistentVolumeClaim[] }
  /** Write the pod's identity and storage (`pod` is the fixed pod), creating `claims` and updating `reown` first. */
  | { op: 'update'; pod: Pod; claims: PersistentVolumeClaim[]; reown: PersistentVolumeClaim[] }
  /** Update a condemned pod's claims to the retention policy's references. */
  | { op: 'reown'; pod: Pod; reown: PersistentVolumeClaim[] }
  | { op: 'delete'; pod: Pod };

export interface StatefulSetPlan {
  adopt: Pod[];
  release: Pod[];
  /** What the pass does, in order; under OrderedReady one after the other, stopping at a failure. */
  actions: StatefulSetAction[];
  /** Parallel pod management: the actions may run at once. */
  parallel: boolean;
  status: StatefulSetStatus;
  /** Look again then: a ready pod will have been ready for minReadySeconds. */
  requeueAfterMs?: number;
}

/** The set's selector; undefined when it does not parse (the set is left alone). */
export function statefulSetSelector(set: StatefulSet): Selector | undefined {
  try {
    return selectorFromLabelSelector(set.spec.selector);
  } catch {
    return undefined;
  }
}

/** The set as each revision describes it; undefined when a revision holds no template. */
function revisionSets(state: StatefulSetState): { current: StatefulSet; update: StatefulSet } | undefined {
  const current = templateOfRevision(state.currentRevision);
  const update = templateOfRevision(state.updateRevision);
  return current && update ? { current: setWithTemplate(state.set, current), update: setWithTemplate(state.set, update) } : undefined;
}

export function planStatefulSet(state: StatefulSetState): StatefulSetPlan | undefined {
  const { set } = state;
  const selector = statefulSetSelector(set);
  const sets = revisionSets(state);
  if (!selector || !sets) return undefined;
  const { claimed, adopt, release } = claimChildren(set, state.pods, (pod) => isMemberOf(set, pod) && matchesLabels(selector, pod.metadata.labels));
  const slots = slotPods(set, claimed);
  const status = countStatus(state, [...slots.replicas, ...slots.condemned]);
  const plan: StatefulSetPlan = { adopt, release, actions: [], parallel: set.spec.podManagementPolicy === 'Parallel', status, requeueAfterMs: nextAvailableInMs(set, claimed, state.now) };
  if (state.synced && !set.metadata.deletionTimestamp) new Pass(state, sets, plan, slots).run();
  completeRollingUpdate(set, plan.status);
  plan.status = withoutZeros(plan.status);
  return plan;
}

/** The counters Kubernetes' omitempty leaves out when zero (replicas, availableReplicas and collisionCount stay). */
function withoutZeros(status: StatefulSetStatus): StatefulSetStatus {
  const out = { ...status };
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'observedGeneration'] as const) if (!out[k]) delete out[k];
  return out;
}

/** inconsistentStatus, and the collision count: whether `next` differs from the stored status. */
export function statusChanged(stored: StatefulSetStatus | undefined, next: StatefulSetStatus): boolean {
  const fields = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'collisionCount'] as const;
  if (fields.some((k) => (stored?.[k] ?? 0) !== (next[k] ?? 0))) return true;
  return (stored?.currentRevision ?? '') !== (next.currentRevision ?? '') || (stored?.updateRevision ?? '') !== (next.updateRevision ?? '');
}

interface Slots {
  /** The pod of each ordinal in range, lowest first; a missing one is undefined. */
  replicas: (Pod | undefined)[];
  /** Pods outside the range, highest ordinal first. */
  condemned: Pod[];
}

function slotPods(set: StatefulSet, pods: readonly Pod[]): Slots {
  const start = startOrdinal(set);
  const replicas: (Pod | undefined)[] = Array.from({ length: set.spec.replicas ?? 1 }, () => undefined);
  const condemned: Pod[] = [];
  for (const pod of pods) {
    const ordinal = ordinalOf(pod);
    if (ordinal >= start && ordinal < start + replicas.length) replicas[ordinal - start] = pod;
    else if (ordinal >= 0) condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  return { replicas, condemned };
}

/** computeReplicaStatus plus the revision fields. */
function countStatus(state: StatefulSetState, pods: readonly (Pod | undefined)[]): StatefulSetStatus {
  const { set, now } = state;
  const created = pods.filter((p): p is Pod => p !== undefined && isCreated(p));
  const live = created.filter((p) => !isTerminating(p));
  const ready = created.filter(isRunningAndReady);
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    replicas: created.length,
    readyReplicas: ready.length,
    currentReplicas: live.filter((p) => podRevision(p) === state.currentRevision.metadata.name).length,
    updatedReplicas: live.filter((p) => podRevision(p) === state.updateRevision.metadata.name).length,
    currentRevision: state.currentRevision.metadata.name,
    updateRevision: state.updateRevision.metadata.name,
    collisionCount: state.collisionCount,
    availableReplicas: ready.filter((p) => isRunningAndAvailable(p, set.spec.minReadySeconds ?? 0, now)).length,
  };
  return status;
}

/** completeRollingUpdate: every pod updated and ready makes the update revision current. */
function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  if (set.spec.updateStrategy?.type !== 'RollingUpdate') return;
  if (status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** How long until the next ready pod has been ready for minReadySeconds. */
function nextAvailableInMs(set: StatefulSet, pods: readonly Pod[], now: Date): number | undefined {
  const minReadySeconds = set.spec.minReadySeconds ?? 0;
  if (minReadySeconds === 0) return undefined;
  const waits = pods
    .filter((p) => isRunningAndReady(p) && !isRunningAndAvailable(p, minReadySeconds, now))
    .map((p) => Date.parse(podReadyCondition(p)?.lastTransitionTime ?? '') + minReadySeconds * 1000 - now.getTime() + 1)
    .filter((ms) => Number.isFinite(ms));
  return waits.length > 0 ? Math.max(1, Math.min(...waits)) : undefined;
}

/** One pass over the slots, appending to the plan's actions; `true` from a step means "stop here" (under OrderedReady). */
class Pass {
  private readonly monotonic: boolean;
  private readonly slots: Pod[];
  private readonly firstUnhealthy: Pod | undefined;

  constructor(private readonly state: StatefulSetState, private readonly sets: { current: StatefulSet; update: StatefulSet }, private readonly plan: StatefulSetPlan, private readonly existing: Slots) {
    this.monotonic = !plan.parallel;
    this.slots = existing.replicas.map((pod, i) => pod ?? this.newVersionedPod(startOrdinal(state.set) + i));
    this.firstUnhealthy = [...this.slots, ...[...existing.condemned].reverse()].find((p) => !isHealthy(p));
  }

  run(): void {
    if (this.forAll(this.slots, (pod) => this.processReplica(pod))) return;
    if (this.forAll(this.existing.condemned, (pod) => this.fixCondemnedClaims(pod))) return;
    if (this.forAll(this.existing.condemned, (pod) => this.processCondemned(pod))) return;
    if (this.state.set.spec.updateStrategy?.type === 'RollingUpdate') this.rollingUpdate();
  }

  /** runForAll: under OrderedReady, stop at the first step that says so; under Parallel, do every step. */
  private forAll(pods: readonly Pod[], step: (pod: Pod) => boolean): boolean {
    for (const pod of pods) if (step(pod) && this.monotonic) return true;
    return false;
  }

  /**
   * newVersionedStatefulSetPod: ordinals below the partition (or, without a rollingUpdate,
   * below the current replica count) are made at the current revision, the others at the update revision.
   */
  private newVersionedPod(ordinal: number): Pod {
    const { current, update } = this.sets;
    const strategy = current.spec.updateStrategy;
    const start = startOrdinal(current);
    // Go's precedence in Kubernetes' condition: (RollingUpdate && no rollingUpdate && below current) || (rollingUpdate && below partition).
    const belowCurrent = strategy?.type === 'RollingUpdate' && !strategy.rollingUpdate && ordinal < start + (current.status?.currentReplicas ?? 0);
    const belowPartition = strategy?.rollingUpdate !== undefined && ordinal < start + (strategy.rollingUpdate.partition ?? 0);
    if (belowCurrent || belowPartition) return newStatefulSetPod(current, ordinal, this.state.currentRevision.metadata.name ?? '');
    return newStatefulSetPod(update, ordinal, this.state.updateRevision.metadata.name ?? '');
  }

  private processReplica(pod: Pod): boolean {
    const { set, claimOf, now } = this.state;
    if (isFinished(pod)) {
      if (!isTerminating(pod)) this.plan.actions.push({ op: 'delete', pod });
      return true;
    }
    if (!isCreated(pod)) return this.create(pod);
    if (pod.status?.phase === 'Pending') {
      const claims = missingClaims(set, pod, claimOf).map((c) => withRetentionOwners(c, { set, pod }));
      if (claims.length > 0) this.plan.actions.push({ op: 'createClaims', pod, claims });
    }
    if (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, set.spec.minReadySeconds ?? 0, now)) return true;
    this.fixIdentity(pod);
    return false;
  }

  /** CreateStatefulPod, unless a claim of the pod still belongs to an earlier pod of its name, or is being deleted. */
  private create(pod: Pod): boolean {
    const { set, claimOf } = this.state;
    if (podClaimIsStale(set, pod, claimOf) || claimsBeingDeleted(set, pod, claimOf).length > 0) return true;
    const claims = missingClaims(set, pod, claimOf).map((c) => withRetentionOwners(c, { set, pod }));
    this.plan.actions.push({ op: 'create', pod, claims });
    return true;
  }

  /** The StatefulSet invariants on a running pod: identity, storage, and its claims' references. */
  private fixIdentity(pod: Pod): void {
    const { set, claimOf } = this.state;
    const update = this.sets.update;
    const reown = claimsToReown(update, pod, claimOf);
    if (identityMatches(set, pod) && storageMatches(set, pod) && reown.length === 0) return;
    let fixed = identityMatches(update, pod) ? pod : withIdentity(update, pod);
    let claims: PersistentVolumeClaim[] = [];
    if (!storageMatches(update, fixed)) {
      fixed = withStorage(update, fixed);
      claims = missingClaims(update, fixed, claimOf).map((c) => withRetentionOwners(c, { set: update, pod }));
    }
    this.plan.actions.push({ op: 'update', pod: fixed, claims, reown });
  }

  private fixCondemnedClaims(pod: Pod): boolean {
    const reown = claimsToReown(this.sets.update, pod, this.state.claimOf);
    if (reown.length > 0) this.plan.actions.push({ op: 'reown', pod, reown });
    return false;
  }

  private processCondemned(pod: Pod): boolean {
    if (isTerminating(pod)) return true;
    const minReady = this.state.set.spec.minReadySeconds ?? 0;
    const waits = this.monotonic && pod !== this.firstUnhealthy;
    if (waits && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, this.state.now))) return true;
    this.plan.actions.push({ op: 'delete', pod });
    return true;
  }

  /** The highest pod at or above the partition not at the update revision goes; an unhealthy one on the way makes it wait. */
  private rollingUpdate(): void {
    const partition = this.state.set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const update = this.state.updateRevision.metadata.name;
    for (let target = this.slots.length - 1; target >= partition; target--) {
      const pod = this.slots[target];
      if (!pod) return;
      if (podRevision(pod) !== update && !isTerminating(pod)) {
        this.plan.actions.push({ op: 'delete', pod });
        this.plan.status.currentReplicas = (this.plan.status.currentReplicas ?? 0) - 1;
        return;
      }
      if (!isHealthy(pod)) return;
    }
  }
}
