/**
 * What both the eviction subresource and the disruption controller read of a
 * PodDisruptionBudget (k8s.io/component-helpers/apps/poddisruptionbudget and the policy/v1
 * selector rule): which pods a budget covers, and its DisruptionAllowed condition.
 */
import type { Pod } from './core-v1';
import { matchesLabels, selectorFromLabelSelector, type Selector } from './label-selector';
import type { MetaCondition, PodDisruptionBudget, PodDisruptionBudgetStatus } from './policy-v1';

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

/**
 * The budget's selector; undefined when it selects nothing: unset, empty (policy/v1 reads
 * `{}` as nothing, unlike v1beta1) or unparseable.
 */
export function budgetSelector(pdb: PodDisruptionBudget): Selector | undefined {
  try {
    const selector = selectorFromLabelSelector(pdb.spec?.selector);
    return selector.matchesNothing || selector.requirements.length === 0 ? undefined : selector;
  } catch {
    return undefined;
  }
}

/** The budget covers the pod: same namespace, and its selector matches the pod's labels. */
export function budgetCovers(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  const selector = budgetSelector(pdb);
  return selector !== undefined && matchesLabels(selector, pod.metadata.labels);
}

/** metav1.Time as it is written: RFC 3339 to the second, UTC. */
export function metaTime(at: Date): string {
  return new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * apimeta.SetStatusCondition: the condition of that type replaced in place (its transition
 * time kept unless the status changes), or appended. Returns a new list.
 */
export function setStatusCondition(conditions: readonly MetaCondition[] | undefined, next: Omit<MetaCondition, 'lastTransitionTime'>, now: Date): MetaCondition[] {
  const list = (conditions ?? []).map((c) => ({ ...c }));
  const existing = list.find((c) => c.type === next.type);
  if (!existing) return [...list, { ...next, lastTransitionTime: metaTime(now) }];
  if (existing.status !== next.status) existing.lastTransitionTime = metaTime(now);
  Object.assign(existing, { status: next.status, reason: next.reason, message: next.message, observedGeneration: next.observedGeneration });
  return list;
}

/** pdbhelper.UpdateDisruptionAllowedCondition: True/SufficientPods while disruptions are allowed, else False/InsufficientPods. */
export function withDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: Date): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0;
  const condition = {
    type: DISRUPTION_ALLOWED, status: allowed ? 'True' as const : 'False' as const, reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS,
    message: '', observedGeneration: status.observedGeneration || undefined,
  };
  return { ...status, conditions: setStatusCondition(status.conditions, condition, now) };
}

/** pdbhelper.ConditionsAreUpToDate: the condition exists, the generation is observed, and it agrees with disruptionsAllowed. */
export function conditionsAreUpToDate(pdb: PodDisruptionBudget): boolean {
  const status = pdb.status;
  const condition = status?.conditions?.find((c) => c.type === DISRUPTION_ALLOWED);
  if (!status || !condition || (status.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  if (status.disruptionsAllowed > 0) return condition.status === 'True' && condition.reason === SUFFICIENT_PODS;
  return condition.status === 'False' && condition.reason === INSUFFICIENT_PODS;
}
