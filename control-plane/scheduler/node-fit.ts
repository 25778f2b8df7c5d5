/**
 * Whether a pod fits a node: the default scheduler's filter plugins that matter to pikube, in
 * Kubernetes' order, stopping at the first that rejects (as the framework does): NodeUnschedulable,
 * NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, then the volume plugins
 * the caller passes (volume-binding.ts). Reasons are the
 * plugins' own strings, counted into the FailedScheduling message by failure-message.ts.
 *
 * The Ready condition is read the way the node lifecycle controller would taint the node:
 * Ready False (or missing) acts as taint node.kubernetes.io/not-ready:NoSchedule, Ready
 * Unknown as node.kubernetes.io/unreachable:NoSchedule, unless the node already has it.
 */
import type { ContainerPort, Node, Pod, Taint } from '../../api/core-v1';
import { amountsOf, emptyAmounts, podRequests, type ResourceAmounts } from '../../api/pod-resources';
import { findUntoleratedTaint, taintTolerated } from '../../api/tolerations';
import { matchesNodeSelectorAndAffinity } from './node-affinity';

export type NodeFit =
  | { fits: true }
  | {
      fits: false;
      /** The filter plugin that rejected the node. */
      plugin: string;
      reasons: string[];
      /** UnschedulableAndUnresolvable: preempting pods on this node would not help. */
      unresolvable: boolean;
    };

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const REASON_TOO_MANY_PODS = 'Too many pods';

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

const FITS: NodeFit = { fits: true };

/**
 * @param boundPods pods already bound to (or assumed on) this node; terminated ones and the
 *   pod itself are ignored.
 */
export function checkNodeFit(pod: Pod, node: Node, boundPods: readonly Pod[], volumes?: (pod: Pod, node: Node) => NodeFit): NodeFit {
  const active = boundPods.filter((p) => !isTerminated(p) && !samePod(p, pod));
  const filters: ((p: Pod, n: Node) => NodeFit)[] = [
    nodeUnschedulable,
    nodeName,
    taintToleration,
    nodeAffinity,
    (p) => nodePorts(p, active),
    (p, n) => resourcesFit(p, n, active),
    // VolumeRestrictions and VolumeBinding (volume-binding.ts) come after the resources, as in Kubernetes.
    ...(volumes ? [volumes] : []),
  ];
  for (const filter of filters) {
    const result = filter(pod, node);
    if (!result.fits) return result;
  }
  return FITS;
}

function reject(plugin: string, reasons: string[], unresolvable: boolean): NodeFit {
  return { fits: false, plugin, reasons, unresolvable };
}

export function isTerminated(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Same object: by uid when both have one, else by namespace and name. */
export function samePod(a: Pod, b: Pod): boolean {
  if (a.metadata.uid && b.metadata.uid) return a.metadata.uid === b.metadata.uid;
  return a.metadata.namespace === b.metadata.namespace && a.metadata.name === b.metadata.name;
}

function nodeUnschedulable(pod: Pod, node: Node): NodeFit {
  if (!node.spec?.unschedulable || taintTolerated(UNSCHEDULABLE_TAINT, pod.spec.tolerations)) return FITS;
  return reject('NodeUnschedulable', [REASON_UNSCHEDULABLE], true);
}

function nodeName(pod: Pod, node: Node): NodeFit {
  if (!pod.spec.nodeName || pod.spec.nodeName === node.metadata.name) return FITS;
  return reject('NodeName', [REASON_NODE_NAME], true);
}

function taintToleration(pod: Pod, node: Node): NodeFit {
  const noScheduleOrExecute = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
  const taint = findUntoleratedTaint(effectiveTaints(node), pod.spec.tolerations, noScheduleOrExecute);
  if (!taint) return FITS;
  return reject('TaintToleration', [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], true);
}

/** The node's taints plus the NoSchedule taint its Ready condition implies. */
export function effectiveTaints(node: Node): Taint[] {
  const taints = node.spec?.taints ?? [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  if (ready === 'True') return taints;
  const key = ready === 'Unknown' ? UNREACHABLE_TAINT : NOT_READY_TAINT;
  if (taints.some((t) => t.key === key && t.effect === 'NoSchedule')) return taints;
  return [{ key, effect: 'NoSchedule' }, ...taints];
}

function nodeAffinity(pod: Pod, node: Node): NodeFit {
  return matchesNodeSelectorAndAffinity(pod, node) ? FITS : reject('NodeAffinity', [REASON_NODE_AFFINITY], true);
}

function hostPorts(pod: Pod): ContainerPort[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].flatMap((c) => c.ports ?? []).filter((p) => (p.hostPort ?? 0) > 0);
}

/** Same protocol and host port, on the same or a wildcard host IP. */
function portsConflict(a: ContainerPort, b: ContainerPort): boolean {
  const ipA = a.hostIP || '0.0.0.0';
  const ipB = b.hostIP || '0.0.0.0';
  const ipsOverlap = ipA === ipB || ipA === '0.0.0.0' || ipB === '0.0.0.0';
  return a.hostPort === b.hostPort && (a.protocol ?? 'TCP') === (b.protocol ?? 'TCP') && ipsOverlap;
}

function nodePorts(pod: Pod, active: Pod[]): NodeFit {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return FITS;
  const used = active.flatMap(hostPorts);
  const conflict = wanted.some((w) => used.some((u) => portsConflict(w, u)));
  return conflict ? reject('NodePorts', [REASON_NODE_PORTS], false) : FITS;
}

/** NodeResourcesFit: pod count, then each requested resource against what is left. */
function resourcesFit(pod: Pod, node: Node, active: Pod[]): NodeFit {
  const allocatable = amountsOf(node.status?.allocatable);
  const used = sumRequests(active);
  const reasons: string[] = [];
  let unresolvable = false;
  if (active.length + 1 > (allocatable.pods ?? 0)) reasons.push(REASON_TOO_MANY_PODS);
  for (const [name, amount] of Object.entries(podRequests(pod))) {
    if (name === 'pods' || amount <= 0) continue;
    const capacity = allocatable[name] ?? 0;
    if (amount <= capacity - (used[name] ?? 0)) continue;
    reasons.push(`Insufficient ${name}`);
    if (amount > capacity) unresolvable = true;
  }
  return reasons.length ? reject('NodeResourcesFit', reasons, unresolvable) : FITS;
}

/** What the given pods request together, as the scheduler counts them. */
export function sumRequests(pods: readonly Pod[], options: { nonZero?: boolean } = {}): ResourceAmounts {
  const total = emptyAmounts();
  for (const p of pods) {
    for (const [name, v] of Object.entries(podRequests(p, options))) total[name] = (total[name] ?? 0) + v;
  }
  return total;
}
