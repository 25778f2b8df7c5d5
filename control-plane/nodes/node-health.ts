/**
 * How a node's health shows on its objects, as Kubernetes' kubelet and node lifecycle
 * controller spell it: the Ready condition (`KubeletReady` / `NodeStatusUnknown`), the
 * `node.kubernetes.io/unreachable` taints, and its pods' Ready condition. Pure functions on
 * copies: callers hand in objects from a cache and get new ones back.
 * https://kubernetes.io/docs/reference/node/node-status/#condition
 * https://kubernetes.io/docs/reference/labels-annotations-taints/#node-kubernetes-io-unreachable
 */
import type { Node, NodeCondition, NodeStatus, Pod, PodCondition, Taint } from '../../api/core-v1';
import { metaTime } from '../../api/meta-time';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** Put by a human on a node known to be down (Kubernetes' non-graceful node shutdown): its terminating pods are force-deleted. */
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';
export const READY = 'Ready';
export const REASON_KUBELET_READY = 'KubeletReady';
export const MESSAGE_KUBELET_READY = 'kubelet is posting ready status';
export const REASON_NODE_STATUS_UNKNOWN = 'NodeStatusUnknown';
export const MESSAGE_NODE_STATUS_UNKNOWN = 'Kubelet stopped posting node status.';

/** The conditions the kubelet posts; the lifecycle controller turns them Unknown together. */
const KUBELET_CONDITIONS = [READY, 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** RFC 3339, second precision, as metav1.Time marshals. */
export const rfc3339 = metaTime;

export function conditionOf<C extends { type: string }>(conditions: C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/** `next` keeps `previous`'s lastTransitionTime when its status did not change. */
function carryTransition(next: NodeCondition, previous: NodeCondition | undefined, now: string): NodeCondition {
  const unchanged = previous !== undefined && previous.status === next.status && previous.lastTransitionTime;
  return { ...next, lastTransitionTime: unchanged ? previous.lastTransitionTime : now };
}

/**
 * The status to store for a node whose agent is talking to us: what the agent posts, with
 * heartbeat times of now, and Ready True (`KubeletReady`) unless the agent itself says
 * Ready is False (it knows its runtime is broken; that is the kubelet's call).
 */
export function postedNodeStatus(posted: NodeStatus | undefined, stored: NodeStatus | undefined, now: Date): NodeStatus {
  const at = rfc3339(now);
  const agentReady = conditionOf(posted?.conditions, READY);
  const ready: NodeCondition = agentReady?.status === 'False'
    ? { ...agentReady, type: READY }
    : { type: READY, status: 'True', reason: REASON_KUBELET_READY, message: MESSAGE_KUBELET_READY };
  const others = (posted?.conditions ?? []).filter((c) => c.type !== READY);
  const conditions = [...others, ready].map((c) =>
    carryTransition({ ...c, lastHeartbeatTime: at }, conditionOf(stored?.conditions, c.type), at),
  );
  return { ...posted, conditions };
}

/** Every kubelet-posted condition Unknown, as the node lifecycle controller does after the grace period. */
export function unknownNodeStatus(status: NodeStatus | undefined, now: Date): NodeStatus {
  const at = rfc3339(now);
  const existing = status?.conditions ?? [];
  const types = new Set(KUBELET_CONDITIONS.filter((t) => t === READY || conditionOf(existing, t)));
  const untouched = existing.filter((c) => !types.has(c.type));
  const unknown = [...types].map((type): NodeCondition => {
    const old = conditionOf(existing, type);
    const next: NodeCondition = { type, status: 'Unknown', reason: REASON_NODE_STATUS_UNKNOWN, message: MESSAGE_NODE_STATUS_UNKNOWN };
    if (old?.lastHeartbeatTime) next.lastHeartbeatTime = old.lastHeartbeatTime;
    return carryTransition(next, old, at);
  });
  return { ...status, conditions: [...untouched, ...unknown] };
}

export function isNodeStatusUnknown(node: Node): boolean {
  return conditionOf(node.status?.conditions, READY)?.status === 'Unknown';
}

function isHealthTaint(t: Taint): boolean {
  return t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY;
}

/**
 * The taints with the unreachable NoSchedule and NoExecute pair present (kept as they are when
 * already there); without the NoExecute one when `noExecute` is false (evictions held back:
 * node-disruption-plan.ts).
 */
export function withUnreachableTaints(taints: Taint[] | undefined, now: Date, noExecute = true): Taint[] {
  return withHealthTaints(TAINT_UNREACHABLE, taints, now, noExecute);
}

function withHealthTaints(key: string, taints: Taint[] | undefined, now: Date, noExecute: boolean): Taint[] {
  const kept = (taints ?? []).filter((t) => !isHealthTaint(t));
  const existing = (effect: Taint['effect']): Taint | undefined => taints?.find((t) => t.key === key && t.effect === effect);
  const add = (effect: Taint['effect']): Taint => existing(effect) ?? { key, effect, timeAdded: rfc3339(now) };
  return noExecute ? [...kept, add('NoSchedule'), add('NoExecute')] : [...kept, add('NoSchedule')];
}

/** The node carries a not-ready or unreachable NoExecute taint (its pods are being evicted). */
export function hasHealthNoExecuteTaint(node: Node): boolean {
  return (node.spec?.taints ?? []).some((t) => isHealthTaint(t) && t.effect === 'NoExecute');
}

/**
 * The taints with the not-ready NoSchedule and NoExecute pair present and no unreachable one: a
 * node whose agent speaks but says Ready=False (Kubernetes' taint-node-by-condition and
 * processTaintBaseEviction for a Ready=False node).
 * https://kubernetes.io/docs/reference/labels-annotations-taints/#node-kubernetes-io-not-ready
 */
export function withNotReadyTaints(taints: Taint[] | undefined, now: Date, noExecute = true): Taint[] {
  return withHealthTaints(TAINT_NOT_READY, taints, now, noExecute);
}

/** The node's agent says Ready=False (a broken container runtime): not Unknown, not True. */
export function isNodeReadyFalse(node: Node): boolean {
  return conditionOf(node.status?.conditions, READY)?.status === 'False';
}

/** The taints without the unreachable/not-ready ones the lifecycle controller adds. */
export function withoutHealthTaints(taints: Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => !isHealthTaint(t));
}

export function hasHealthTaints(node: Node): boolean {
  return (node.spec?.taints ?? []).some(isHealthTaint);
}

export function isPodReady(pod: Pod): boolean {
  return conditionOf(pod.status?.conditions, READY)?.status === 'True';
}

/**
 * The pod's status with Ready False, as Kubernetes' MarkPodsNotReady: only an existing Ready
 * condition is flipped (its transition time moves); a pod without one is left as it is.
 */
export function podStatusNotReady(pod: Pod, now: Date): Pod['status'] | undefined {
  const ready = conditionOf(pod.status?.conditions, READY);
  if (!ready || ready.status === 'False') return undefined;
  const flipped: PodCondition = { ...ready, status: 'False', lastTransitionTime: rfc3339(now) };
  const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === READY ? flipped : c));
  return { ...pod.status, conditions };
}
