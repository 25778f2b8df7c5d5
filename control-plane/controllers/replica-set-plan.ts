/**
 * The ReplicaSet controller's decisions (pkg/controller/replicaset, 1.32), without I/O: which
 * pods it claims (adopting matching orphans, releasing pods whose labels stopped matching),
 * how many pods to create or which to delete (ranked as Kubernetes ranks victims:
 * api/active-pods-ranking.ts), the pods it creates, and the status it reports.
 */
import type { ReplicaSet, ReplicaSetStatus, WorkloadCondition } from '../../api/apps-v1';
import type { Pod, PodTemplateSpec } from '../../api/core-v1';
import { matchesLabels, selectorFromLabelSelector, selectorFromSet, type Selector } from '../../api/label-selector';
import { podsToDelete } from '../../api/active-pods-ranking';
import { isPodActive, isPodAvailable, isPodReady, podReadyCondition } from '../../api/pod-readiness';
import { stableJson, timestamp } from '../registry/object-meta';
import { claimChildren } from './framework/controller-ref-manager';
import { controllerReference } from './framework/owner-references';

/** At most this many pods are created or deleted in one pass (the controller's burstReplicas). */
export const BURST_REPLICAS = 500;

export interface ReplicaSetState {
  rs: ReplicaSet;
  /** The pods of the ReplicaSet's namespace, as cached. */
  pods: readonly Pod[];
  /**
   * The ReplicaSets sharing its controller (a Deployment's), itself included; none for a
   * ReplicaSet without one. Their pods are the "related pods" scale-down ranks nodes by.
   */
  siblings: readonly ReplicaSet[];
  /** The cache shows every create and delete made for this ReplicaSet (its expectations). */
  synced: boolean;
  now: Date;
}

export interface ReplicaSetPlan {
  /** Matching orphans to adopt before anything else. */
  adopt: Pod[];
  /** Pods it controls whose labels no longer match: their ownerReference is removed. */
  release: Pod[];
  /** The active pods it has once adoption and release are done: what status counts. */
  claimed: Pod[];
  /** Pods to create from the template. */
  create: number;
  /** Pods to delete, best victims first. */
  delete: Pod[];
}

/** metav1.LabelSelectorAsSelector; undefined for a selector that does not parse (the ReplicaSet is left alone). */
export function selectorOf(rs: ReplicaSet): Selector | undefined {
  try {
    return selectorFromLabelSelector(rs.spec.selector);
  } catch {
    return undefined;
  }
}

/** syncReplicaSet's decisions; undefined when the selector does not parse. */
export function planReplicaSet(state: ReplicaSetState): ReplicaSetPlan | undefined {
  const { rs } = state;
  const selector = selectorOf(rs);
  if (!selector) return undefined;
  const active = state.pods.filter(isPodActive);
  const { claimed, adopt, release } = claimChildren(rs, active, (pod) => matchesLabels(selector, pod.metadata.labels));
  const manage = state.synced && !rs.metadata.deletionTimestamp;
  const diff = claimed.length - (rs.spec.replicas ?? 1);
  const create = manage && diff < 0 ? Math.min(-diff, BURST_REPLICAS) : 0;
  const victims = manage && diff > 0 ? podsToDelete(claimed, relatedPods(state.siblings, state.pods), Math.min(diff, BURST_REPLICAS), state.now) : [];
  return { adopt, release, claimed, create, delete: victims };
}

/** getIndirectlyRelatedPods: the pods each sibling's selector matches, each pod once. */
export function relatedPods(siblings: readonly ReplicaSet[], pods: readonly Pod[]): Pod[] {
  const seen = new Set<string>();
  const related: Pod[] = [];
  for (const sibling of siblings) {
    const selector = selectorOf(sibling);
    if (!selector) continue;
    for (const pod of pods) {
      const uid = pod.metadata.uid ?? '';
      if (seen.has(uid) || !matchesLabels(selector, pod.metadata.labels)) continue;
      seen.add(uid);
      related.push(pod);
    }
  }
  return related;
}

/**
 * A pod of the template (controller.GetPodFromTemplate): named `<rs>-<random>` by the server,
 * the template's labels, annotations and finalizers, and the ReplicaSet as its controller
 * (blocking the owner's foreground deletion, for the garbage collector).
 */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const template: Partial<PodTemplateSpec> = structuredClone(rs.spec.template ?? {});
  const { labels, annotations, finalizers } = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name ?? ''}-`,
      namespace: rs.metadata.namespace,
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      ...(finalizers ? { finalizers } : {}),
      ownerReferences: [controllerReference(rs)],
    },
    spec: template.spec ?? { containers: [] },
  };
}

export interface StatusPlan {
  /** The status to write; undefined when the stored one is already right (an idle cluster writes nothing). */
  write?: ReplicaSetStatus;
  /** Look again then: a ready pod will have been ready for minReadySeconds and counts as available. */
  requeueAfterMs?: number;
}

/**
 * calculateStatus and updateReplicaSetStatus: the counts of the claimed pods, the
 * ReplicaFailure condition while creating or deleting fails (`failure`: the error's message),
 * and observedGeneration; written only when something differs.
 */
export function planStatus(rs: ReplicaSet, claimed: readonly Pod[], failure: string | undefined, now: Date): StatusPlan {
  const conditions = failureConditions(rs, claimed.length, failure, now);
  const status: ReplicaSetStatus = { ...countPods(rs, claimed, now), observedGeneration: rs.metadata.generation ?? 0 };
  if (conditions.length > 0) status.conditions = conditions;
  return { write: sameStatus(rs.status, status) ? undefined : status, requeueAfterMs: nextAvailableInMs(rs, claimed, now) };
}

/** How long until the next ready pod becomes available (readiness lasting longer than minReadySeconds). */
function nextAvailableInMs(rs: ReplicaSet, pods: readonly Pod[], now: Date): number | undefined {
  const minReadyMs = (rs.spec.minReadySeconds ?? 0) * 1000;
  const waits = pods
    .filter((p) => isPodReady(p) && !isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now))
    .map((p) => Date.parse(podReadyCondition(p)?.lastTransitionTime ?? '') + minReadyMs - now.getTime() + 1)
    .filter((ms) => Number.isFinite(ms));
  return minReadyMs > 0 && waits.length > 0 ? Math.max(1, Math.min(...waits)) : undefined;
}

/** The counters, with zeros left out as Kubernetes' omitempty leaves them (replicas always there). */
function countPods(rs: ReplicaSet, pods: readonly Pod[], now: Date): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec.template?.metadata?.labels);
  const fullyLabeled = pods.filter((p) => matchesLabels(templateLabels, p.metadata.labels)).length;
  const ready = pods.filter(isPodReady).length;
  const available = pods.filter((p) => isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now)).length;
  return {
    replicas: pods.length,
    ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
  };
}

type FailureCondition = WorkloadCondition<'ReplicaFailure'>;

/** ReplicaFailure is set when a failure starts (reason by direction) and removed once a pass succeeds. */
function failureConditions(rs: ReplicaSet, claimed: number, failure: string | undefined, now: Date): FailureCondition[] {
  const existing = rs.status?.conditions ?? [];
  const has = existing.some((c) => c.type === 'ReplicaFailure');
  if (failure === undefined) return has ? existing.filter((c) => c.type !== 'ReplicaFailure') : existing;
  if (has) return existing;
  const diff = claimed - (rs.spec.replicas ?? 1);
  const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
  return [...existing, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: timestamp(now), reason, message: failure }];
}

function sameStatus(old: ReplicaSetStatus | undefined, next: ReplicaSetStatus): boolean {
  const counters = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const;
  if (counters.some((k) => (old?.[k] ?? 0) !== (next[k] ?? 0))) return false;
  return stableJson(old?.conditions ?? []) === stableJson(next.conditions ?? []);
}
