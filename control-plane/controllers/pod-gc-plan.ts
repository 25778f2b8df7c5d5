/**
 * What the pod garbage collector (Kubernetes' pkg/controller/podgc) does with the pods bound to
 * one node name.
 *
 * Out of service (gcTerminating, Kubernetes' non-graceful node shutdown): on a node that is not
 * Ready and carries the `node.kubernetes.io/out-of-service` NoExecute taint (a human's word that
 * it is down), every terminating pod is marked Failed, unless finished, and force-deleted: its
 * agent will not confirm, and its controller replaces it (a StatefulSet pod too). The taint
 * itself makes the taint-eviction controller delete the pods that do not tolerate it.
 * https://kubernetes.io/docs/concepts/cluster-administration/node-shutdown/#non-graceful-node-shutdown
 *
 * Orphaned (gcOrphaned): when no such Node exists, each pod is marked Failed
 * with the DisruptionTarget condition (`DeletionByPodGC`, "PodGC: node no longer exists"),
 * unless already finished, and force-deleted (grace period 0): no agent will ever confirm it
 * stopped. Pure; the wiring confirms the node's absence with a fresh read before acting.
 *
 * pikube differs in timing only: Kubernetes looks every 20 s and holds a missing node in
 * quarantine for 40 s before it believes the node gone; pikube acts at once on a node this
 * controller saw deleted (`kubectl delete node` frees its pods at once) and keeps the 40 s
 * quarantine for a node name it never saw (a pod created naming a node yet to join).
 */
import type { Node, Pod, PodStatus } from '../../api/core-v1';
import { conditionOf, READY, TAINT_OUT_OF_SERVICE } from '../nodes/node-health';
import { DELETION_BY_POD_GC, withDisruptionTarget } from '../../api/pod-disruption-condition';

/** Kubernetes' quarantineTime: how long a node never seen may stay missing before its pods go. */
export const ORPHAN_QUARANTINE_MS = 40_000;

export interface OrphanInput {
  /** The node's object is in the cache. */
  nodeExists: boolean;
  /** This controller saw the node's object deleted. */
  seenDeleted: boolean;
  /** When this controller first found the node missing (with pods bound to it). */
  missingSinceMs?: number;
  /** The pods bound to the node. */
  pods: readonly Pod[];
  now: Date;
}

export interface OrphanCollection {
  pod: Pod;
  /** Failed with the condition, written before the delete; absent for a finished pod. */
  status?: PodStatus;
}

export type OrphanPlan =
  | { action: 'none' }
  | { action: 'wait'; missingSinceMs: number; requeueAfterMs: number }
  | { action: 'collect'; pods: OrphanCollection[] };

export function planOrphanedPods({ nodeExists, seenDeleted, missingSinceMs, pods, now }: OrphanInput): OrphanPlan {
  if (nodeExists || pods.length === 0) return { action: 'none' };
  const since = missingSinceMs ?? now.getTime();
  const left = since + ORPHAN_QUARANTINE_MS - now.getTime();
  if (!seenDeleted && left > 0) return { action: 'wait', missingSinceMs: since, requeueAfterMs: left };
  return { action: 'collect', pods: pods.map((pod) => ({ pod, ...failedStatus(pod, now) })) };
}

/** The node is out of service: tainted so by a human, and not Ready (isNodeOutOfService). */
export function isOutOfService(node: Node): boolean {
  const tainted = (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE && t.effect === 'NoExecute');
  return tainted && conditionOf(node.status?.conditions, READY)?.status !== 'True';
}

/** The terminating pods of an out-of-service node, each to mark Failed (no condition, as gcTerminating) and force-delete. */
export function planOutOfService(node: Node, pods: readonly Pod[]): OrphanCollection[] {
  if (!isOutOfService(node)) return [];
  return pods.filter((p) => p.metadata.deletionTimestamp).map((pod) => {
    const phase = pod.status?.phase;
    return phase === 'Succeeded' || phase === 'Failed' ? { pod } : { pod, status: { ...structuredClone(pod.status), phase: 'Failed' } };
  });
}

/** markFailedAndDeletePodWithCondition: a pod still Pending, Running or Unknown turns Failed with the condition. */
function failedStatus(pod: Pod, now: Date): { status?: PodStatus } {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return {};
  const marked = withDisruptionTarget(pod.status, DELETION_BY_POD_GC, now) ?? structuredClone(pod.status) ?? {};
  return { status: { ...marked, phase: 'Failed' } };
}
