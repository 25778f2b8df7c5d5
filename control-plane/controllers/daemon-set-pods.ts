/**
 * What a DaemonSet's pods look like and where they belong (pkg/controller/daemon, 1.32,
 * NodeShouldRunDaemonPod and daemon/util): the tolerations the controller adds to every daemon
 * pod, the template it creates pods from (labelled with the revision hash and the template
 * generation), the required node affinity that pins a pod to its node through
 * `metadata.name` (the scheduler binds it there), and whether a node should run, or keep
 * running, the DaemonSet's pod. Pure.
 */
import { CONTROLLER_REVISION_HASH_LABEL_KEY, DAEMON_SET_TEMPLATE_GENERATION_LABEL, DEPRECATED_TEMPLATE_GENERATION_ANNOTATION, type DaemonSet } from '../../api/apps-v1';
import type { Node, NodeSelectorTerm, Pod, PodSpec, PodTemplateSpec, Taint, Toleration } from '../../api/core-v1';
import { findUntoleratedTaint } from '../../api/tolerations';
import { matchesNodeSelectorAndAffinity } from '../scheduler/node-affinity';
import { controllerReference } from './framework/owner-references';

const NO_EXECUTE_FOREVER = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];
const NO_SCHEDULE = ['node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable'];
const NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** util.AddOrUpdateDaemonPodTolerations: the tolerations every daemon pod gets, in Kubernetes' order. */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const added: Toleration[] = [
    ...NO_EXECUTE_FOREVER.map((key): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute' })),
    ...NO_SCHEDULE.map((key): Toleration => ({ key, operator: 'Exists', effect: 'NoSchedule' })),
    ...(spec.hostNetwork ? [{ key: NETWORK_UNAVAILABLE, operator: 'Exists', effect: 'NoSchedule' } as Toleration] : []),
  ];
  return added.reduce(addOrUpdateToleration, [...(spec.tolerations ?? [])]);
}

/** v1helper.AddOrUpdateTolerationInPodSpec: one with the same key, operator, value and effect is replaced, else appended. */
function addOrUpdateToleration(tolerations: Toleration[], toleration: Toleration): Toleration[] {
  const same = (t: Toleration): boolean => (t.key ?? '') === (toleration.key ?? '') && (t.operator ?? '') === (toleration.operator ?? '')
    && (t.value ?? '') === (toleration.value ?? '') && (t.effect ?? '') === (toleration.effect ?? '');
  const index = tolerations.findIndex(same);
  if (index < 0) return [...tolerations, toleration];
  return tolerations.map((t, i) => (i === index ? toleration : t));
}

/** The DaemonSet's template generation (its annotation), undefined when absent or not an integer. */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const value = ds.metadata.annotations?.[DEPRECATED_TEMPLATE_GENERATION_ANNOTATION];
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
}

/** util.CreatePodTemplate: the template with the daemon tolerations, the template generation and the revision hash labels. */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const template = structuredClone(ds.spec.template);
  template.spec = { ...template.spec, tolerations: daemonPodTolerations(template.spec) };
  const labels = { ...(template.metadata?.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[DAEMON_SET_TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL_KEY] = hash;
  template.metadata = { ...(template.metadata ?? {}), labels };
  return template;
}

/**
 * A pod of the template for one node (controller.GetPodFromTemplate): named `<ds>-<random>` by
 * the server, the template's labels, annotations and finalizers, the DaemonSet as its blocking
 * controller, and pinned to the node by its required node affinity.
 */
export function daemonPodFor(ds: DaemonSet, template: PodTemplateSpec, nodeName: string): Pod {
  const { labels, annotations, finalizers } = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name ?? ''}-`,
      namespace: ds.metadata.namespace,
      ...(labels ? { labels: { ...labels } } : {}),
      ...(annotations ? { annotations: { ...annotations } } : {}),
      ...(finalizers ? { finalizers: [...finalizers] } : {}),
      ownerReferences: [controllerReference(ds)],
    },
    spec: { ...structuredClone(template.spec), affinity: pinnedToNode(template.spec.affinity, nodeName) },
  };
}

interface NodeAffinityShape {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
  [field: string]: unknown;
}

/**
 * util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single
 * term `metadata.name In [node]`; the rest of the affinity (preferred terms, pod affinity) stays.
 */
export function pinnedToNode(affinity: Record<string, unknown> | undefined, nodeName: string): Record<string, unknown> {
  const term: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const nodeAffinity = { ...((affinity?.nodeAffinity as NodeAffinityShape | undefined) ?? {}) };
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { ...(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {}), nodeSelectorTerms: [term] };
  return { ...(affinity ?? {}), nodeAffinity };
}

/**
 * util.GetTargetNodeName: the pod's node, or for a pod not yet scheduled the node its
 * `metadata.name In [x]` affinity field names; undefined when it names none (or several).
 */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms = (pod.spec.affinity?.nodeAffinity as NodeAffinityShape | undefined)?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const field of term.matchFields ?? []) {
      if (field.key === 'metadata.name' && field.operator === 'In') return field.values?.length === 1 ? field.values[0] : undefined;
    }
  }
  return undefined;
}

export interface NodeVerdict {
  /** A pod should be created on the node if it has none. */
  shouldRun: boolean;
  /** A pod already on the node may stay. */
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod: the template's nodeName, node selector and required node affinity
 * must match; an untolerated NoSchedule or NoExecute taint (the daemon tolerations included)
 * stops new pods, and only an untolerated NoExecute one evicts running pods. Unschedulable
 * nodes still run daemon pods (the unschedulable toleration).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodeVerdict {
  const spec = ds.spec.template.spec;
  const nodeName = node.metadata.name ?? '';
  if (spec.nodeName && spec.nodeName !== nodeName) return { shouldRun: false, shouldContinueRunning: false };
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...(ds.spec.template.metadata ?? {}), namespace: ds.metadata.namespace }, spec: { ...spec, nodeName, tolerations: daemonPodTolerations(spec) } };
  if (!matchesNodeSelectorAndAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  const blocks = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
  if (!findUntoleratedTaint(taints, pod.spec.tolerations, blocks)) return { shouldRun: true, shouldContinueRunning: true };
  const evicts = findUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: evicts === undefined };
}

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name. */
export function compareDaemonPods(a: Pod, b: Pod): number {
  const scheduled = (p: Pod): number => (p.spec.nodeName ? 0 : 1);
  if (scheduled(a) !== scheduled(b)) return scheduled(a) - scheduled(b);
  const created = (p: Pod): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  if (created(a) !== created(b)) return created(a) - created(b);
  const [x, y] = [a.metadata.name ?? '', b.metadata.name ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
}
