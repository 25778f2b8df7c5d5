/**
 * PodDisruptionBudget validation (pkg/apis/policy/validation ValidatePodDisruptionBudget, 1.32):
 * at most one of minAvailable and maxUnavailable, each a non-negative count or a percentage of
 * at most 100%, a valid selector, a supported unhealthyPodEvictionPolicy. The spec is mutable
 * in policy/v1. Names are only checked as path segments (the generic BeforeCreate check).
 */
import type { PodDisruptionBudget, PodDisruptionBudgetSpec } from '../policy-v1';
import { child } from './field-path';
import { invalid, notSupported, type FieldCause } from './field-errors';
import { validateNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent-validation';
import { validateLabelSelector } from './label-selector-validation';
import { nameIsPathSegment } from './names';
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

const SPEC = 'spec';
const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldCause[] {
  return [...validateObjectMeta(pdb.metadata ?? {}, true, nameIsPathSegment), ...validatePodDisruptionBudgetSpec(pdb.spec ?? {})];
}

export function validatePodDisruptionBudgetUpdate(next: PodDisruptionBudget, old: PodDisruptionBudget): FieldCause[] {
  return [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validatePodDisruptionBudgetSpec(next.spec ?? {})];
}

/** The both-set error carries the whole spec (Go prints it with pointers; here as JSON). */
export function validatePodDisruptionBudgetSpec(spec: PodDisruptionBudgetSpec): FieldCause[] {
  const causes: FieldCause[] = [];
  if (spec.minAvailable != null && spec.maxUnavailable != null) causes.push(invalid(SPEC, spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const f of ['minAvailable', 'maxUnavailable'] as const) {
    if (spec[f] == null) continue;
    causes.push(...validatePositiveIntOrPercent(spec[f], child(SPEC, f)), ...validateNotMoreThan100Percent(spec[f], child(SPEC, f)));
  }
  causes.push(...validateLabelSelector(spec.selector, child(SPEC, 'selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy != null && !EVICTION_POLICIES.includes(policy)) causes.push(notSupported(child(SPEC, 'unhealthyPodEvictionPolicy'), policy, EVICTION_POLICIES));
  return causes;
}

/**
 * ValidatePodDisruptionBudgetStatusUpdate for policy/v1: the four counters non-negative.
 * Deviation: the conditions are not checked as metav1.Conditions (ValidateConditions).
 */
export function validatePodDisruptionBudgetStatusUpdate(next: PodDisruptionBudget, old: PodDisruptionBudget): FieldCause[] {
  const status = next.status;
  const counters = ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const;
  return [
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...counters.flatMap((f) => validateNonnegative(status?.[f] ?? 0, child('status', f))),
  ];
}
