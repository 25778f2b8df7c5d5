/**
 * The disruption controller's decisions (pkg/controller/disruption, 1.32), pure: a budget's
 * pods, how many are expected and must stay healthy (minAvailable or maxUnavailable, a count or
 * a percentage of the owners' scale, rounded up), which granted evictions still hold
 * (disruptedPods, for 2 minutes), how many are healthy now, and the status to write when
 * anything differs (the DisruptionAllowed condition with it), or the fail-safe status
 * (SyncFailed, no disruption allowed) when the expected count cannot be found.
 */
import type { Pod } from '../../api/core-v1';
import { budgetSelector, conditionsAreUpToDate, DISRUPTION_ALLOWED, setStatusCondition, SYNC_FAILED, withDisruptionAllowedCondition } from '../../api/disruption-budget';
import { getScaledValueFromIntOrPercent } from '../../api/int-or-percent';
import { matchesLabels } from '../../api/label-selector';
import type { LabelSelector, OwnerReference } from '../../api/meta';
import { isPodReady } from '../../api/pod-readiness';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../api/policy-v1';
import { controllerOf } from './framework/owner-references';

/** DeletionTimeout: how long a granted eviction keeps its pod out of the healthy count. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** An owner's identity and desired replicas, as a finder reports it. */
export interface OwnerScale {
  uid: string;
  replicas: number;
}

/**
 * The finders (getPodReplicaSet, getPodDeployment, getPodStatefulSet...): the controller with
 * its scale for a pod's controller reference, undefined when none is found. Throws when the
 * lookup itself fails.
 */
export type ScaleFinder = (ref: OwnerReference, namespace: string) => OwnerScale | undefined;

export interface PlannedEvent {
  /** The budget, or a pod (NotDeleted). */
  involved: PodDisruptionBudget | Pod;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface DisruptionPlan {
  /** The status to write; undefined when the stored one is up to date. */
  status?: PodDisruptionBudgetStatus;
  /** When the earliest granted eviction expires and the budget must be looked at again. */
  requeueAfterMs?: number;
  events: PlannedEvent[];
}

export interface DisruptionState {
  pdb: PodDisruptionBudget;
  /** The pods of the budget's namespace. */
  pods: readonly Pod[];
  findScale: ScaleFinder;
  now: Date;
}

/** trySync, with failSafe when the expected count cannot be computed. */
export function planDisruption(state: DisruptionState): DisruptionPlan {
  const { pdb, now } = state;
  const pods = podsOf(pdb, state.pods);
  const events: PlannedEvent[] = pods.length === 0 ? [{ involved: pdb, type: 'Normal', reason: 'NoPods', message: 'No matching pods found' }] : [];
  const expected = expectedPodCount(pdb, pods, state.findScale);
  if ('error' in expected) {
    events.push({ involved: pdb, type: 'Warning', reason: 'CalculateExpectedPodCountFailed', message: `Failed to calculate the number of expected pods: ${expected.error}` });
    return { status: failSafeStatus(pdb, expected.error, now), events };
  }
  if (expected.unmanaged.length > 0) events.push({ involved: pdb, type: 'Warning', reason: 'UnmanagedPods', message: unmanagedMessage(pdb) });
  const disrupted = disruptedPods(pdb, pods, now);
  events.push(...disrupted.expired.map((pod): PlannedEvent => ({
    involved: pod, type: 'Warning', reason: 'NotDeleted',
    // Kubernetes prints the budget's namespace twice here; so do we.
    message: `Pod was expected by PDB ${pdb.metadata.namespace ?? ''}/${pdb.metadata.namespace ?? ''} to be deleted but it wasn't`,
  })));
  const currentHealthy = countHealthy(pods, disrupted.pods, now);
  const status = nextStatus(pdb, { currentHealthy, desiredHealthy: expected.desiredHealthy, expectedPods: expected.expectedCount, disruptedPods: disrupted.pods }, now);
  // Just after the expiry: at the very instant the grant still holds (Kubernetes compares with Before).
  const requeueAfterMs = disrupted.recheckAt === undefined ? undefined : Math.max(0, disrupted.recheckAt - now.getTime()) + 1;
  return { status, requeueAfterMs, events };
}

/** getPodsForPdb: the namespace's pods its selector matches; none for an empty or unset selector. */
export function podsOf(pdb: PodDisruptionBudget, pods: readonly Pod[]): Pod[] {
  const selector = budgetSelector(pdb);
  if (!selector) return [];
  return pods.filter((pod) => pod.metadata.namespace === pdb.metadata.namespace && matchesLabels(selector, pod.metadata.labels));
}

export type ExpectedCount = { expectedCount: number; desiredHealthy: number; unmanaged: string[] } | { error: string };

/**
 * getExpectedPodCount: maxUnavailable (count or percentage, rounded up) counts from the
 * owners' scale; an integer minAvailable from the pods themselves; a percentage minAvailable
 * from the owners' scale, rounded up. Neither set: nothing expected or desired.
 */
export function expectedPodCount(pdb: PodDisruptionBudget, pods: readonly Pod[], findScale: ScaleFinder): ExpectedCount {
  const { maxUnavailable, minAvailable } = pdb.spec ?? {};
  if (maxUnavailable != null) {
    const scale = expectedScale(pods, findScale);
    if ('error' in scale) return scale;
    const scaled = getScaledValueFromIntOrPercent(maxUnavailable, scale.expectedCount, true);
    if (!scaled.ok) return { error: scaled.error };
    return { ...scale, desiredHealthy: Math.max(0, scale.expectedCount - scaled.value) };
  }
  if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanaged: [] };
  if (typeof minAvailable === 'string') {
    const scale = expectedScale(pods, findScale);
    if ('error' in scale) return scale;
    const scaled = getScaledValueFromIntOrPercent(minAvailable, scale.expectedCount, true);
    if (!scaled.ok) return { error: scaled.error };
    return { ...scale, desiredHealthy: scaled.value };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
}

/** getExpectedScale: the sum of the scales of the pods' distinct controllers; pods without one are unmanaged. */
function expectedScale(pods: readonly Pod[], findScale: ScaleFinder): { expectedCount: number; unmanaged: string[] } | { error: string } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = findScale(ref, pod.metadata.namespace ?? '');
    if (!found) return { error: `found no controllers for pod "${pod.metadata.name ?? ''}"` };
    scales.set(found.uid, found.replicas);
  }
  return { expectedCount: [...scales.values()].reduce((a, b) => a + b, 0), unmanaged };
}

/**
 * buildDisruptedPodMap: the granted evictions still pending (pod present, not deleting, granted
 * less than 2 minutes ago), the pods whose grant expired, and when the earliest one expires.
 */
export function disruptedPods(pdb: PodDisruptionBudget, pods: readonly Pod[], now: Date): { pods: Record<string, string>; expired: Pod[]; recheckAt?: number } {
  const granted = pdb.status?.disruptedPods ?? {};
  const result: Record<string, string> = {};
  const expired: Pod[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const at = granted[pod.metadata.name ?? ''];
    if (pod.metadata.deletionTimestamp || at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now.getTime()) {
      expired.push(pod);
      continue;
    }
    if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
    result[pod.metadata.name ?? ''] = at;
  }
  return { pods: result, expired, recheckAt };
}

/** countHealthyPods: ready pods, not being deleted and not about to be (a granted eviction still pending). */
export function countHealthy(pods: readonly Pod[], disrupted: Record<string, string>, now: Date): number {
  return pods.filter((pod) => {
    if (pod.metadata.deletionTimestamp) return false;
    const at = disrupted[pod.metadata.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now.getTime()) return false;
    return isPodReady(pod);
  }).length;
}

interface Counts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptedPods: Record<string, string>;
}

/**
 * updatePdbStatus: disruptions allowed are the healthy pods above the desired ones, and none
 * while nothing is expected (a budget whose first pods just appeared stays safe). Undefined
 * when the stored status already says all of it.
 */
export function nextStatus(pdb: PodDisruptionBudget, counts: Counts, now: Date): PodDisruptionBudgetStatus | undefined {
  const allowed = counts.currentHealthy - counts.desiredHealthy;
  const disruptionsAllowed = counts.expectedPods <= 0 || allowed <= 0 ? 0 : allowed;
  const old = pdb.status;
  const generation = pdb.metadata.generation ?? 0;
  const same = old !== undefined && old.currentHealthy === counts.currentHealthy && old.desiredHealthy === counts.desiredHealthy
    && old.expectedPods === counts.expectedPods && old.disruptionsAllowed === disruptionsAllowed && sameMap(old.disruptedPods, counts.disruptedPods)
    && (old.observedGeneration ?? 0) === generation && conditionsAreUpToDate(pdb);
  if (same) return undefined;
  const status: PodDisruptionBudgetStatus = {
    observedGeneration: generation, disruptionsAllowed, currentHealthy: counts.currentHealthy, desiredHealthy: counts.desiredHealthy, expectedPods: counts.expectedPods,
  };
  if (Object.keys(counts.disruptedPods).length > 0) status.disruptedPods = counts.disruptedPods;
  if (old?.conditions) status.conditions = old.conditions;
  return withDisruptionAllowedCondition(status, now);
}

/** failSafe: no disruption allowed, DisruptionAllowed False with reason SyncFailed and the error; undefined when already so. */
export function failSafeStatus(pdb: PodDisruptionBudget, error: string, now: Date): PodDisruptionBudgetStatus | undefined {
  const old = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  const condition = { type: DISRUPTION_ALLOWED, status: 'False' as const, reason: SYNC_FAILED, message: error, observedGeneration: old.observedGeneration || undefined };
  const next: PodDisruptionBudgetStatus = { ...old, disruptionsAllowed: 0, conditions: setStatusCondition(old.conditions, condition, now) };
  return JSON.stringify(next) === JSON.stringify(old) ? undefined : next;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const keys = Object.keys(a ?? {});
  return keys.length === Object.keys(b).length && keys.every((k) => a?.[k] === b[k]);
}

/** The UnmanagedPods warning, the selector printed as Go's %v of a *metav1.LabelSelector. */
function unmanagedMessage(pdb: PodDisruptionBudget): string {
  return `Pods selected by this PodDisruptionBudget (selector: ${goSelectorValue(pdb.spec?.selector)}) were found to be unmanaged. `
    + 'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
    + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.';
}

/** LabelSelector.String() (generated): `&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}`. */
export function goSelectorValue(selector: LabelSelector | undefined): string {
  if (!selector) return 'nil';
  const labels = Object.keys(selector.matchLabels ?? {}).sort().map((k) => `${k}: ${selector.matchLabels?.[k] ?? ''},`).join('');
  const expressions = (selector.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
