/**
 * The DaemonSet controller's decisions (pkg/controller/daemon, 1.32), without I/O: which pods
 * it claims, which nodes need a daemon pod and which pods go (manage: misscheduled, excess,
 * failed with backoff, succeeded), the rolling update's steps (maxUnavailable: delete old pods
 * first; maxSurge: start new pods beside old ones and delete the old once the new are
 * available), and the status it reports. Nodes are walked in name order where Kubernetes walks
 * a map, so a pass is deterministic.
 */
import { CONTROLLER_REVISION_HASH_LABEL_KEY, type DaemonSet, type DaemonSetStatus } from '../../api/apps-v1';
import type { Node, Pod } from '../../api/core-v1';
import { getScaledValueFromIntOrPercent } from '../../api/int-or-percent';
import { matchesLabels, selectorFromLabelSelector, type Selector } from '../../api/label-selector';
import { isPodAvailable, isPodReady } from '../../api/pod-readiness';
import { claimChildren } from './framework/controller-ref-manager';
import { compareDaemonPods, nodeShouldRunDaemonPod, targetNodeName } from './daemon-set-pods';

/** At most this many pods are created or deleted in one pass (the DaemonSet controller's BurstReplicas). */
export const DAEMON_BURST_REPLICAS = 250;

export interface DaemonSetState {
  ds: DaemonSet;
  nodes: readonly Node[];
  /** The pods of the DaemonSet's namespace, as cached. */
  pods: readonly Pod[];
  /** The hash of the current ControllerRevision (the `controller-revision-hash` of up-to-date pods). */
  hash: string;
  /** The cache shows every create and delete made for this DaemonSet (its expectations). */
  synced: boolean;
  now: Date;
  /** When the failed pods under this backoff key may be deleted again; undefined: now. */
  failedBackoffUntil(key: string): number | undefined;
}

export interface FailedPod {
  pod: Pod;
  node: string;
  /** The failed-pods backoff key to advance (uid/observedGeneration/node). */
  backoffKey: string;
}

export interface DaemonSetPlan {
  adopt: Pod[];
  release: Pod[];
  /** The pods it has once adoption and release are done. */
  claimed: Pod[];
  /** Nodes to create a daemon pod on (at most the burst). */
  create: string[];
  /** Pods to delete (at most the burst). */
  delete: Pod[];
  /** Failed pods among `delete` (a FailedDaemonPod event each, and their backoff advanced). */
  failed: FailedPod[];
  /** Succeeded pods among `delete` (a SucceededDaemonPod event each). */
  succeeded: { pod: Pod; node: string }[];
  /** Look again then: a failed pod is in backoff. */
  requeueAfterMs?: number;
}

/** metav1.LabelSelectorAsSelector; undefined for a selector that does not parse. */
export function selectorOf(ds: DaemonSet): Selector | undefined {
  try {
    return selectorFromLabelSelector(ds.spec.selector);
  } catch {
    return undefined;
  }
}

/** A selector with neither labels nor expressions (SelectingAll: the DaemonSet is left alone). */
export function selectsEverything(ds: DaemonSet): boolean {
  const s = ds.spec.selector;
  return s !== undefined && s !== null && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/** getDaemonPods: claims by selector (every pod of the namespace, finished ones too). */
export function claimDaemonPods(ds: DaemonSet, pods: readonly Pod[]): { claimed: Pod[]; adopt: Pod[]; release: Pod[] } | undefined {
  const selector = selectorOf(ds);
  if (!selector) return undefined;
  return claimChildren(ds, pods, (pod) => matchesLabels(selector, pod.metadata.labels));
}

/** getNodesToDaemonPods(includeDeletedTerminal=false): claimed pods by target node, finished pods being deleted left out. */
export function podsByNode(claimed: readonly Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of claimed) {
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    if (isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

/** util.IsPodUpdated: the pod carries the current revision's hash (the template-generation match never holds in 1.32). */
export function isPodUpdated(pod: Pod, hash: string): boolean {
  return hash.length > 0 && pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] === hash;
}

/** util.SurgeCount: maxSurge of `total`, rounded up; 0 unless RollingUpdate. */
export function surgeCount(ds: DaemonSet, total: number): number {
  const strategy = ds.spec.updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || strategy.rollingUpdate?.maxSurge === undefined) return 0;
  const scaled = getScaledValueFromIntOrPercent(strategy.rollingUpdate.maxSurge, total, true);
  return scaled.ok ? scaled.value : 0;
}

/** util.UnavailableCount: maxUnavailable of `total`, rounded up (unlike a Deployment's); 0 unless RollingUpdate. */
export function unavailableCount(ds: DaemonSet, total: number): number {
  const strategy = ds.spec.updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) return 0;
  const scaled = getScaledValueFromIntOrPercent(strategy.rollingUpdate.maxUnavailable, total, true);
  return scaled.ok ? scaled.value : 0;
}

export function allowsSurge(ds: DaemonSet): boolean {
  return surgeCount(ds, 1) > 0;
}

/**
 * syncDaemonSet's pod decisions once expectations are met: manage (create on nodes needing a
 * pod, delete what must go); when manage has nothing to do, the rolling update's step.
 * Undefined when the selector does not parse.
 */
export function planDaemonSet(state: DaemonSetState): DaemonSetPlan | undefined {
  const claims = claimDaemonPods(state.ds, state.pods);
  if (!claims) return undefined;
  const plan: DaemonSetPlan = { ...claims, create: [], delete: [], failed: [], succeeded: [] };
  if (!state.synced || state.ds.metadata.deletionTimestamp) return plan;
  const byNode = podsByNode(claims.claimed);
  manage(state, byNode, plan);
  if (plan.create.length === 0 && plan.delete.length === 0 && state.ds.spec.updateStrategy?.type === 'RollingUpdate') {
    const step = rollingUpdate(state, byNode);
    plan.create = step.create;
    plan.delete = step.delete;
  }
  plan.create = plan.create.slice(0, DAEMON_BURST_REPLICAS);
  plan.delete = plan.delete.slice(0, DAEMON_BURST_REPLICAS);
  return plan;
}

/** manage: podsShouldBeOnNode for every node, then unscheduled pods pinned to nodes that do not exist. */
function manage(state: DaemonSetState, byNode: Map<string, Pod[]>, plan: DaemonSetPlan): void {
  for (const node of sortedNodes(state.nodes)) podsShouldBeOnNode(state, node, byNode.get(node.metadata.name ?? ''), plan);
  const existing = new Set(state.nodes.map((n) => n.metadata.name ?? ''));
  for (const [name, pods] of sortedEntries(byNode)) {
    if (!existing.has(name)) plan.delete.push(...pods.filter((p) => !p.spec.nodeName));
  }
}

function podsShouldBeOnNode(state: DaemonSetState, node: Node, daemonPods: Pod[] | undefined, plan: DaemonSetPlan): void {
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, state.ds);
  const name = node.metadata.name ?? '';
  if (shouldRun && daemonPods === undefined) {
    plan.create.push(name);
  } else if (shouldContinueRunning) {
    const running = sortOutFinished(state, name, daemonPods ?? [], plan);
    plan.delete.push(...(allowsSurge(state.ds) ? surplusWithSurge(state, running) : running.sort(compareDaemonPods).slice(1)));
  } else if (daemonPods !== undefined) {
    plan.delete.push(...daemonPods.filter((p) => !p.metadata.deletionTimestamp));
  }
}

/** Failed pods are deleted (unless their backoff holds), succeeded ones too; the rest are returned. */
function sortOutFinished(state: DaemonSetState, node: string, pods: Pod[], plan: DaemonSetPlan): Pod[] {
  const running: Pod[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (pod.status?.phase === 'Failed') {
      const backoffKey = failedPodsBackoffKey(state.ds, node);
      const until = state.failedBackoffUntil(backoffKey);
      if (until !== undefined) {
        plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, Math.max(1, until - state.now.getTime()));
        continue;
      }
      plan.failed.push({ pod, node, backoffKey });
      plan.delete.push(pod);
    } else if (pod.status?.phase === 'Succeeded') {
      plan.succeeded.push({ pod, node });
      plan.delete.push(pod);
    } else {
      running.push(pod);
    }
  }
  return running;
}

/** failedPodsBackoffKey: the DaemonSet's uid, its observed generation and the node. */
export function failedPodsBackoffKey(ds: DaemonSet, node: string): string {
  return `${ds.metadata.uid ?? ''}/${ds.status?.observedGeneration ?? 0}/${node}`;
}

/**
 * With surge, a node keeps the oldest new pod and the oldest old pod, and the old one only
 * while it is ready and the new one is not yet available; every other running pod goes.
 */
function surplusWithSurge(state: DaemonSetState, running: Pod[]): Pod[] {
  if (running.length <= 1) return [];
  const surplus: Pod[] = [];
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of [...running].sort(compareDaemonPods)) {
    const isNew = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] === state.hash;
    if (isNew && !oldestNew) oldestNew = pod;
    else if (!isNew && !oldestOld) oldestOld = pod;
    else surplus.push(pod);
  }
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, state.ds.spec.minReadySeconds ?? 0, state.now))) surplus.push(oldestOld);
  return surplus;
}

/** findUpdatedPodsOnNode: the node's new and old pod (terminating ones ignored); undefined when it has two of either. */
function updatedPodsOnNode(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  const found: { newPod?: Pod; oldPod?: Pod } = {};
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const slot = isPodUpdated(pod, hash) ? 'newPod' : 'oldPod';
    if (found[slot]) return undefined;
    found[slot] = pod;
  }
  return found;
}

interface Step {
  create: string[];
  delete: Pod[];
}

/** rollingUpdate: every node that should run a pod or has one, with its new and old pod. */
export function rollingUpdate(state: DaemonSetState, byNode: Map<string, Pod[]>): Step {
  const nodes = new Map(byNode);
  let desired = 0;
  for (const node of state.nodes) {
    if (!nodeShouldRunDaemonPod(node, state.ds).shouldRun) continue;
    desired++;
    if (!nodes.has(node.metadata.name ?? '')) nodes.set(node.metadata.name ?? '', []);
  }
  const maxSurge = surgeCount(state.ds, desired);
  let maxUnavailable = unavailableCount(state.ds, desired);
  if (desired > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  const entries = sortedEntries(nodes);
  return maxSurge === 0 ? unavailableStep(state, entries, maxUnavailable) : surgeStep(state, entries, maxSurge);
}

/** Without surge: old pods that are not available go at once, available ones while fewer than maxUnavailable nodes are unavailable. */
function unavailableStep(state: DaemonSetState, nodes: [string, Pod[]][], maxUnavailable: number): Step {
  const available = (pod: Pod): boolean => isPodAvailable(pod, state.ds.spec.minReadySeconds ?? 0, state.now);
  let numUnavailable = 0;
  const replacements: Pod[] = [];
  const candidates: Pod[] = [];
  for (const [, pods] of nodes) {
    const found = updatedPodsOnNode(pods, state.hash);
    if (!found || (!found.newPod && !found.oldPod) || (found.newPod && found.oldPod)) {
      numUnavailable++;
    } else if (found.newPod) {
      if (!available(found.newPod)) numUnavailable++;
    } else if (found.oldPod && !available(found.oldPod)) {
      replacements.push(found.oldPod);
      numUnavailable++;
    } else if (found.oldPod && numUnavailable < maxUnavailable) {
      candidates.push(found.oldPod);
    }
  }
  const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
  return { create: [], delete: [...replacements, ...candidates.slice(0, remaining)] };
}

/** With surge: a new pod beside an old one on up to maxSurge nodes (at once where the old one is unavailable); the old one goes once the new is available. */
function surgeStep(state: DaemonSetState, nodes: [string, Pod[]][], maxSurge: number): Step {
  const available = (pod: Pod): boolean => isPodAvailable(pod, state.ds.spec.minReadySeconds ?? 0, state.now);
  const nodeNamed = new Map(state.nodes.map((n) => [n.metadata.name ?? '', n]));
  let numSurge = 0;
  const allowed: string[] = [];
  const candidates: string[] = [];
  const remove: Pod[] = [];
  for (const [name, pods] of nodes) {
    const found = updatedPodsOnNode(pods, state.hash);
    if (!found) {
      numSurge++;
    } else if (!found.oldPod) {
      continue;
    } else if (!found.newPod) {
      if (available(found.oldPod)) {
        if (numSurge < maxSurge) candidates.push(name);
      } else {
        const node = nodeNamed.get(name);
        if (node && nodeShouldRunDaemonPod(node, state.ds).shouldRun) allowed.push(name);
        else remove.push(found.oldPod);
      }
    } else if (!available(found.newPod)) {
      numSurge++;
    } else {
      remove.push(found.oldPod);
    }
  }
  const remaining = Math.min(Math.max(0, maxSurge - numSurge), candidates.length);
  return { create: [...allowed, ...candidates.slice(0, remaining)], delete: remove };
}

export interface DaemonSetStatusPlan {
  /** The status to write; undefined when the stored one is already right. */
  write?: DaemonSetStatus;
  /** Look again then (minReadySeconds: ready pods not yet available). */
  requeueAfterMs?: number;
}

/**
 * updateDaemonSetStatus and storeDaemonSetStatus: per node that should run a pod, the oldest
 * of its pods counts as current, ready, available and updated; pods on nodes that should not
 * run one are misscheduled. observedGeneration is raised only by a pass that acted on the
 * generation (`observe`); collisionCount is the history's (written when a revision name collides).
 */
export function planDaemonSetStatus(state: DaemonSetState, claimed: readonly Pod[], observe: boolean): DaemonSetStatusPlan {
  const counts = countDaemonPods(state, podsByNode(claimed));
  const old = state.ds.status;
  const generation = state.ds.metadata.generation ?? 0;
  const status = withoutZeros(counts);
  const observedGeneration = observe ? generation : old?.observedGeneration;
  if (observedGeneration) status.observedGeneration = observedGeneration;
  if (old?.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  if (old?.conditions) status.conditions = old.conditions;
  const keys = Object.keys(counts) as (keyof typeof counts)[];
  const same = keys.every((k) => (old?.[k] ?? 0) === counts[k]);
  const write = same && (!observe || (old?.observedGeneration ?? 0) >= generation) ? undefined : status;
  const minReady = state.ds.spec.minReadySeconds ?? 0;
  return { write, requeueAfterMs: minReady > 0 && counts.numberReady !== counts.numberAvailable ? minReady * 1000 : undefined };
}

/** The counters as the API's omitempty leaves them: the four required ones always, the others when not 0. */
function withoutZeros(c: Counts): DaemonSetStatus {
  const { updatedNumberScheduled, numberAvailable, numberUnavailable, ...required } = c;
  return {
    ...required,
    ...(updatedNumberScheduled ? { updatedNumberScheduled } : {}),
    ...(numberAvailable ? { numberAvailable } : {}),
    ...(numberUnavailable ? { numberUnavailable } : {}),
  };
}

type Counts = Required<Pick<DaemonSetStatus, 'desiredNumberScheduled' | 'currentNumberScheduled' | 'numberMisscheduled' | 'numberReady' | 'updatedNumberScheduled' | 'numberAvailable' | 'numberUnavailable'>>;

function countDaemonPods(state: DaemonSetState, byNode: Map<string, Pod[]>): Counts {
  const c: Counts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  for (const node of state.nodes) {
    const pods = byNode.get(node.metadata.name ?? '') ?? [];
    if (!nodeShouldRunDaemonPod(node, state.ds).shouldRun) {
      if (pods.length > 0) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    const pod = [...pods].sort(compareDaemonPods)[0];
    if (!pod) continue;
    c.currentNumberScheduled++;
    if (isPodReady(pod)) c.numberReady++;
    if (isPodAvailable(pod, state.ds.spec.minReadySeconds ?? 0, state.now)) c.numberAvailable++;
    if (isPodUpdated(pod, state.hash)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

function sortedNodes(nodes: readonly Node[]): Node[] {
  return [...nodes].sort((a, b) => byName(a.metadata.name ?? '', b.metadata.name ?? ''));
}

function sortedEntries<T>(map: Map<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => byName(a, b));
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
