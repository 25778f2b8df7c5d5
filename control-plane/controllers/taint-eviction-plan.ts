/**
 * What the taint-eviction controller (Kubernetes' pkg/controller/tainteviction, 1.32) does with
 * one pod, given its node's NoExecute taints and the eviction this controller may already have
 * scheduled for it. Pure: the wiring keeps the schedule in memory and executes the plan.
 *
 * - No NoExecute taint on the pod's node: nothing; a scheduled eviction is cancelled (an event
 *   says so, as emitCancelPodDeletionEvent).
 * - A NoExecute taint the pod does not tolerate: deleted at once.
 * - Every NoExecute taint tolerated, one of the tolerations (the first matching each taint, as
 *   GetMatchingTolerations picks them) with tolerationSeconds: deleted once the shortest of them
 *   has passed since this controller first saw the pod under those taints (a value ≤ 0 means at
 *   once). Tolerated without tolerationSeconds (DaemonSet pods): never; a schedule is cancelled.
 * - A pod already evicted by this controller is not deleted again.
 *
 * - A pod that must not run twice (api/at-most-one.ts) on an unreachable node (the
 *   `node.kubernetes.io/unreachable` NoExecute taint) is never deleted gracefully: a graceful
 *   delete would let a ReplicaSet start its replacement while the old copy may still run behind
 *   the partition. It is force-deleted (grace 0) once both its toleration has run out and its
 *   node has been silent for the agents' fencing period plus a margin (by then the agent has
 *   stopped it itself, agent/fencing), even when it is already terminating (pikube's deliberate
 *   difference: Kubernetes leaves such pods Terminating until a human deletes them).
 *
 * Deliberate differences from Kubernetes, none visible in a healthy run: a pod already
 * terminating (deletionTimestamp set) is left alone (Kubernetes' next leader would send a
 * redundant DELETE); the deadline follows the pod's current tolerations (Kubernetes keeps the
 * first timer it made); a pod whose node is gone is left to the pod garbage collector.
 */
import type { Node, Pod, Taint, Toleration } from '../../api/core-v1';
import { toleratesTaint } from '../../api/tolerations';
import { TAINT_UNREACHABLE } from '../nodes/node-health';

/** What this controller remembers about a pod between passes, by the pod's uid. */
export type EvictionState =
  | { phase: 'scheduled'; uid: string; createdAtMs: number }
  | { phase: 'evicted'; uid: string }
  | { phase: 'forced'; uid: string };

export interface EvictionPlan {
  /** The pod's state after this pass; absent: forget it. */
  next?: EvictionState;
  /** Mark and delete the pod now. */
  evict: boolean;
  /** Delete with grace 0 (a fenced pod on an unreachable node); absent: a graceful delete. */
  force?: true;
  /** A scheduled eviction was cancelled: record "Cancelling deletion of Pod ns/name". */
  cancelled: boolean;
  /** When the scheduled deletion is due. */
  requeueAfterMs?: number;
}

export interface EvictionInput {
  /** Absent when the pod is gone. */
  pod?: Pod;
  /** The pod's node; absent when it is gone or the pod is unscheduled. */
  node?: Node;
  state?: EvictionState;
  nowMs: number;
  /** Absent: the pod is replaceable (never force-deleted). */
  fencing?: FencingInput;
}

/** What the force-delete of a pod that must not run twice waits for. */
export interface FencingInput {
  /** How long the pod's node has been silent as this leader counts it: never its own absence. */
  silentForMs: number;
  /** The agents' fencing period plus the safety margin. */
  afterMs: number;
}

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * The toleration time the taints leave the pod: undefined when one taint is not tolerated,
 * Infinity when none of the tolerations used has tolerationSeconds, otherwise the shortest
 * (never below 0), in milliseconds (Kubernetes' GetMatchingTolerations and getMinTolerationTime).
 */
export function toleranceMs(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): number | undefined {
  let shortest = Infinity;
  for (const taint of taints) {
    const used = (tolerations ?? []).find((t) => toleratesTaint(t, taint));
    if (!used) return undefined;
    if (typeof used.tolerationSeconds === 'number') shortest = Math.min(shortest, Math.max(0, used.tolerationSeconds) * 1000);
  }
  return shortest;
}

export function planTaintEviction({ pod, node, state, nowMs, fencing }: EvictionInput): EvictionPlan {
  const uid = pod?.metadata.uid ?? '';
  const own = state?.uid === uid ? state : undefined;
  const cancel = (): EvictionPlan => ({ evict: false, cancelled: own?.phase === 'scheduled' });
  // A pod deleted while it waited cancels its eviction, with the event, as Kubernetes' pod handler.
  if (!pod) return { evict: false, cancelled: state?.phase === 'scheduled' };
  if (!node) return { evict: false, cancelled: false };
  const taints = noExecuteTaints(node);
  if (fencing && taints.some((t) => t.key === TAINT_UNREACHABLE)) return planForceDelete(pod, taints, own, nowMs, fencing);
  if (pod.metadata.deletionTimestamp) return { evict: false, cancelled: false };
  if (taints.length === 0) return cancel();
  if (own?.phase === 'evicted' || own?.phase === 'forced') return { next: own, evict: false, cancelled: false };
  const tolerated = toleranceMs(taints, pod.spec?.tolerations);
  // Kubernetes cancels the timer (with its event) before it deletes at once.
  if (tolerated === undefined) return { next: { phase: 'evicted', uid }, evict: true, cancelled: own?.phase === 'scheduled' };
  if (tolerated === Infinity) return cancel();
  const createdAtMs = own?.createdAtMs ?? nowMs;
  const dueInMs = createdAtMs + tolerated - nowMs;
  if (dueInMs <= 0) return { next: { phase: 'evicted', uid }, evict: true, cancelled: false };
  return { next: { phase: 'scheduled', uid, createdAtMs }, evict: false, cancelled: false, requeueAfterMs: dueInMs };
}

/**
 * A pod that must not run twice, on an unreachable node: force-deleted when both its toleration
 * (as for any pod; a terminating or already evicted pod's no longer counts) and the fencing wait are over.
 */
function planForceDelete(pod: Pod, taints: readonly Taint[], own: EvictionState | undefined, nowMs: number, fencing: FencingInput): EvictionPlan {
  const uid = pod.metadata.uid ?? '';
  if (own?.phase === 'forced') return { next: own, evict: false, cancelled: false };
  // A pod being deleted, or evicted by this controller already, has no toleration left to wait for.
  const spent = Boolean(pod.metadata.deletionTimestamp) || own?.phase === 'evicted';
  const tolerated = spent ? 0 : toleranceMs(taints, pod.spec?.tolerations);
  if (tolerated === Infinity) return { evict: false, cancelled: own?.phase === 'scheduled' };
  const createdAtMs = own?.phase === 'scheduled' ? own.createdAtMs : nowMs;
  const toleratedUntil = tolerated === undefined ? nowMs : createdAtMs + tolerated;
  const fencedAt = nowMs + Math.max(0, fencing.afterMs - fencing.silentForMs);
  const dueInMs = Math.max(toleratedUntil, fencedAt) - nowMs;
  if (dueInMs <= 0) return { next: { phase: 'forced', uid }, evict: true, force: true, cancelled: false };
  return { next: { phase: 'scheduled', uid, createdAtMs }, evict: false, cancelled: false, requeueAfterMs: dueInMs };
}
