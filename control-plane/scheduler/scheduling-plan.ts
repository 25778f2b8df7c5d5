/**
 * One scheduling cycle's decision for a pending pod, pure (kube-scheduler's scheduleOne
 * without the I/O): bind it to the node select-node.ts picks, or report it unschedulable with
 * PodScheduled=False (reason Unschedulable) and the message kube-scheduler prints.
 */
import type { Node, Pod, PodCondition } from '../../api/core-v1';
import { failedSchedulingMessage } from './failure-message';
import { selectNode } from './select-node';
import { ANN_SELECTED_NODE } from '../storage/volume-annotations';
import { unboundClaimsOf, volumeBindingFilter, volumeBindingPreFilter, type ClaimLookup, type VolumeView } from './volume-binding';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export type SchedulingPlan =
  | { op: 'bind'; nodeName: string }
  /**
   * The node is chosen but delayed claims are unbound: `annotate` are those to mark with the
   * node (volume.kubernetes.io/selected-node); the pod is bound once every claim is.
   */
  | { op: 'awaitClaims'; nodeName: string; annotate: string[] }
  /** `pod`: the pod with the condition to write, absent when it carries that condition already. */
  | { op: 'unschedulable'; message: string; pod?: Pod };

export interface SchedulingInputs {
  nodes: readonly Node[];
  /** The pods on a node, bound or assumed. */
  podsOn(nodeName: string): readonly Pod[];
  random?: () => number;
  skipped?: (node: Node, err: unknown) => void;
  /** The cached claims (VolumeBinding); without it a pod's claims are all missing. */
  claimOf?: ClaimLookup;
  /** The rest of the volume view (volumes, classes, the pods using a claim). */
  volumes?: Omit<VolumeView, 'claimOf'>;
  now: Date;
}

/** A pod this scheduler places: no node yet, our schedulerName, not being deleted, not finished. */
export function needsScheduling(pod: Pod): boolean {
  const name = pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const done = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && name === DEFAULT_SCHEDULER_NAME && !done;
}

export function planScheduling(pod: Pod, inputs: SchedulingInputs): SchedulingPlan {
  const view: VolumeView = { ...inputs.volumes, claimOf: inputs.claimOf ?? (() => undefined) };
  const preFilterMessage = inputs.nodes.length > 0 ? volumeBindingPreFilter(pod, view) : undefined;
  if (preFilterMessage !== undefined) {
    const message = failedSchedulingMessage(inputs.nodes.length, [], { preemptionPolicy: pod.spec.preemptionPolicy, preFilterMessage });
    return { op: 'unschedulable', message, pod: withUnschedulableCondition(pod, message, inputs.now) };
  }
  const selection = selectNode(pod, inputs.nodes, inputs.podsOn, inputs.random, inputs.skipped, (p, n) => volumeBindingFilter(p, n, view));
  if (selection.ok) return placed(pod, selection.node.metadata.name ?? '', view);
  const message = failedSchedulingMessage(selection.totalNodes, selection.rejections, { preemptionPolicy: pod.spec.preemptionPolicy });
  return { op: 'unschedulable', message, pod: withUnschedulableCondition(pod, message, inputs.now) };
}

/** Bind, or first have the delayed claims bound on the chosen node. */
function placed(pod: Pod, nodeName: string, view: VolumeView): SchedulingPlan {
  const unbound = unboundClaimsOf(pod, view);
  if (unbound.length === 0) return { op: 'bind', nodeName };
  const annotate = unbound.filter((c) => c.metadata.annotations?.[ANN_SELECTED_NODE] !== nodeName).map((c) => c.metadata.name ?? '');
  return { op: 'awaitClaims', nodeName, annotate };
}

/** PodScheduled=False, reason Unschedulable, as kube-scheduler writes it; undefined if already so. */
function withUnschedulableCondition(pod: Pod, message: string, now: Date): Pod | undefined {
  const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (existing?.status === 'False' && existing.reason === 'Unschedulable' && existing.message === message) return undefined;
  const condition: PodCondition = {
    type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    reason: 'Unschedulable', message,
  };
  const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  return { ...structuredClone(pod), status: { ...structuredClone(pod.status ?? {}), conditions: [...others, condition] } };
}
