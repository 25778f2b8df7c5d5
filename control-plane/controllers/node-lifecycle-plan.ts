/**
 * What the node lifecycle controller (Kubernetes' pkg/controller/nodelifecycle) does with one
 * node, given how long it has been silent. Nothing changes while a node stays healthy; only
 * transitions are written:
 *
 * - silent for the grace period → every kubelet condition `Unknown` (reason
 *   `NodeStatusUnknown`, message `Kubelet stopped posting node status.`), the
 *   `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints, and Ready=False on its
 *   ready pods (MarkPodsNotReady);
 * - alive again → the taints go, and Ready=True comes back if only this controller had made it
 *   Unknown (a reconnect's Hello already writes Ready=True);
 * - alive but saying Ready=False itself (its agent cannot reach its container runtime) → the
 *   `node.kubernetes.io/not-ready` NoSchedule and NoExecute taints instead of any unreachable
 *   ones, and Ready=False on its ready pods when the taints are first added; Ready=True again →
 *   the taints go;
 * - a MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable condition True → its
 *   `node.kubernetes.io/<…>` NoSchedule taint (condition-taints.ts), gone with the condition.
 *
 * Eviction: pods on an unreachable node are deleted once their toleration of the
 * unreachable:NoExecute taint runs out (tolerationSeconds, given by the DefaultTolerationSeconds
 * admission), and their controllers replace them: the taint-eviction controller's job
 * (taint-eviction-controller.ts), which watches the NoExecute taints written here. Whether a
 * down node's NoExecute taint may go on, must wait, or must come off is decided for the whole
 * cluster (node-disruption-plan.ts: zone states and eviction rates) and handed in. Pure.
 */
import type { Node, NodeStatus, Pod, Taint } from '../../api/core-v1';
import { withConditionTaints } from '../nodes/condition-taints';
import { stableJson } from '../registry/object-meta';
import type { NoExecuteDecision } from './node-disruption-plan';
import {
  conditionOf, hasHealthNoExecuteTaint, hasHealthTaints, isNodeReadyFalse, isNodeStatusUnknown, isPodReady, MESSAGE_KUBELET_READY, podStatusNotReady, READY, REASON_KUBELET_READY, TAINT_NOT_READY,
  rfc3339, unknownNodeStatus, withNotReadyTaints, withoutHealthTaints, withUnreachableTaints,
} from '../nodes/node-health';

export interface NodeSilence {
  /** The node's agent is connected and spoke within the grace period. */
  alive: boolean;
  /** How long it has been silent, as far as this leader can tell. */
  silentForMs: number;
  gracePeriodMs: number;
}

export interface NodePlan {
  /** The node's next status, written through `…/status`; absent when it stays. */
  status?: NodeStatus;
  /** The node's next taints (empty: none), written through the node; absent when they stay. */
  taints?: Taint[];
  /** The node's pods with Ready=False, written through `…/status`. */
  podsNotReady: Pod[];
  /** Set when this plan changes the node's health. */
  transition?: 'unreachable' | 'reachable' | 'not-ready';
  /** When to look again though nothing changes: when the grace period would run out. */
  requeueAfterMs?: number;
}

/** Past the grace period by a little, so the node is surely silent for all of it when looked at again. */
const RECHECK_MARGIN_MS = 10;

/** Whether the node's health NoExecute taint is wanted: added, kept as it is (held back), or taken off. */
function wantsNoExecute(node: Node, decision: NoExecuteDecision): boolean {
  return decision === 'add' || (decision === 'hold' && hasHealthNoExecuteTaint(node));
}

/** `pods`: the pods bound to the node; `noExecute`: what the cluster's disruption state allows (node-disruption-plan.ts). */
export function planNode(node: Node, pods: readonly Pod[], silence: NodeSilence, now: Date, noExecute: NoExecuteDecision = 'add'): NodePlan {
  return withPressureTaints(node, healthPlan(node, pods, silence, now, noExecute), now);
}

function healthPlan(node: Node, pods: readonly Pod[], silence: NodeSilence, now: Date, noExecute: NoExecuteDecision): NodePlan {
  if (silence.silentForMs < silence.gracePeriodMs) {
    const requeueAfterMs = Math.max(silence.gracePeriodMs - silence.silentForMs, 1) + RECHECK_MARGIN_MS;
    return { ...(silence.alive ? reachablePlan(node, pods, now, noExecute) : { podsNotReady: [] }), requeueAfterMs };
  }
  return silence.alive ? { podsNotReady: [] } : unreachablePlan(node, pods, now, noExecute);
}

/** The condition taints (memory-pressure, disk-pressure…) on top of what the health plan leaves, for the conditions it leaves. */
function withPressureTaints(node: Node, plan: NodePlan, now: Date): NodePlan {
  const taints = withConditionTaints(plan.taints ?? node.spec?.taints, (plan.status ?? node.status)?.conditions, now);
  if (stableJson(taints) === stableJson(plan.taints ?? node.spec?.taints ?? [])) return plan;
  return { ...plan, taints };
}

function unreachablePlan(node: Node, pods: readonly Pod[], now: Date, noExecute: NoExecuteDecision): NodePlan {
  const plan: NodePlan = { podsNotReady: podsNotReady(pods, now) };
  if (!isNodeStatusUnknown(node)) plan.status = unknownNodeStatus(node.status, now);
  const taints = withUnreachableTaints(node.spec?.taints, now, wantsNoExecute(node, noExecute));
  if (stableJson(taints) !== stableJson(node.spec?.taints ?? [])) plan.taints = taints;
  if (plan.status || plan.taints) plan.transition = 'unreachable';
  return plan;
}

function reachablePlan(node: Node, pods: readonly Pod[], now: Date, noExecute: NoExecuteDecision): NodePlan {
  if (isNodeReadyFalse(node)) return notReadyPlan(node, pods, now, noExecute);
  const plan: NodePlan = { podsNotReady: [] };
  if (isNodeStatusUnknown(node)) plan.status = readyAgain(node.status, now);
  if (hasHealthTaints(node)) plan.taints = withoutHealthTaints(node.spec?.taints);
  if (plan.status || plan.taints) plan.transition = 'reachable';
  return plan;
}

/** Only transitions are written: the pods are marked once, when the taints first go on (MarkPodsNotReady on Ready True → False). */
function notReadyPlan(node: Node, pods: readonly Pod[], now: Date, noExecute: NoExecuteDecision): NodePlan {
  const taints = withNotReadyTaints(node.spec?.taints, now, wantsNoExecute(node, noExecute));
  if (stableJson(taints) === stableJson(node.spec?.taints ?? [])) return { podsNotReady: [] };
  // Already tainted (the NoExecute one held back until now): no new transition, the pods were marked.
  if ((node.spec?.taints ?? []).some((t) => t.key === TAINT_NOT_READY)) return { taints, podsNotReady: [] };
  return { taints, podsNotReady: podsNotReady(pods, now), transition: 'not-ready' };
}

function podsNotReady(pods: readonly Pod[], now: Date): Pod[] {
  return pods.filter(isPodReady).flatMap((pod) => {
    const status = podStatusNotReady(pod, now);
    return status ? [{ ...structuredClone(pod), status }] : [];
  });
}

function readyAgain(status: NodeStatus | undefined, now: Date): NodeStatus {
  const at = rfc3339(now);
  const previous = conditionOf(status?.conditions, READY);
  const ready = { ...previous, type: READY, status: 'True' as const, reason: REASON_KUBELET_READY, message: MESSAGE_KUBELET_READY, lastHeartbeatTime: at, lastTransitionTime: at };
  return { ...structuredClone(status), conditions: (status?.conditions ?? []).map((c) => (c.type === READY ? ready : c)) };
}
