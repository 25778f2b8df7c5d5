/**
 * Deployment validation (pkg/apis/apps/validation ValidateDeployment / ValidateDeploymentUpdate,
 * and the apps/v1 strategy's immutable selector), for a defaulted Deployment. Causes carry
 * Kubernetes' field paths and messages.
 */
import type { Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment } from '../apps-v1';
import { goIntOrString, intOrPercentValue } from '../int-or-percent';
import { child } from './field-path';
import { forbidden, invalid, invalidGo, notSupportedGo, required, type FieldCause } from './field-errors';
import { goLabelSelector } from './go-values';
import { validateImmutableField } from './immutable-field';
import { validateNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent-validation';
import { nameIsDNSSubdomain } from './names';
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validateReplicaSetTemplate } from './replicaset-validation';
import { asSelector, validateWorkloadSelector } from './label-selector-validation';

const SPEC = 'spec';

export function validateDeployment(deployment: Deployment): FieldCause[] {
  return [...validateObjectMeta(deployment.metadata ?? {}, true, nameIsDNSSubdomain), ...validateDeploymentSpec(deployment.spec ?? ({} as DeploymentSpec))];
}

/** Metadata rules, the spec revalidated, and a selector that never changes (apps/v1). */
export function validateDeploymentUpdate(next: Deployment, old: Deployment): FieldCause[] {
  return [
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...validateDeploymentSpec(next.spec ?? ({} as DeploymentSpec)),
    ...validateImmutableField(next.spec?.selector, old.spec?.selector, child(SPEC, 'selector'), goLabelSelector),
  ];
}

export function validateDeploymentSpec(spec: DeploymentSpec): FieldCause[] {
  const causes = [
    ...validateNonnegative(spec.replicas ?? 0, child(SPEC, 'replicas')),
    ...validateWorkloadSelector(spec.selector, 'deployment', child(SPEC, 'selector')),
    ...validateTemplateAgainstSelector(spec),
    ...validateStrategy(spec.strategy ?? {}, child(SPEC, 'strategy')),
    ...validateNonnegative(spec.minReadySeconds ?? 0, child(SPEC, 'minReadySeconds')),
  ];
  if (spec.revisionHistoryLimit != null) causes.push(...validateNonnegative(spec.revisionHistoryLimit, child(SPEC, 'revisionHistoryLimit')));
  causes.push(...validateProgressDeadline(spec));
  return causes;
}

function validateTemplateAgainstSelector(spec: DeploymentSpec): FieldCause[] {
  const selector = asSelector(spec.selector);
  if (!selector) return [invalidGo(child(SPEC, 'selector'), goLabelSelector(spec.selector), 'invalid label selector')];
  return validateReplicaSetTemplate(spec.template, selector, child(SPEC, 'template'));
}

function validateStrategy(strategy: DeploymentStrategy, path: string): FieldCause[] {
  switch (strategy.type) {
    case 'Recreate':
      return strategy.rollingUpdate ? [forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      if (!strategy.rollingUpdate) return [required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')];
      return validateRollingUpdate(strategy.rollingUpdate, child(path, 'rollingUpdate'));
    default:
      return [notSupportedGo(path, goStrategy(strategy), ['Recreate', 'RollingUpdate'])];
  }
}

/** maxSurge and maxUnavailable are counts or percentages, not both 0; maxUnavailable at most 100%. */
function validateRollingUpdate(rollingUpdate: RollingUpdateDeployment, path: string): FieldCause[] {
  const { maxUnavailable, maxSurge } = rollingUpdate;
  const causes = [
    ...validatePositiveIntOrPercent(maxUnavailable, child(path, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(maxSurge, child(path, 'maxSurge')),
  ];
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    causes.push(invalidGo(child(path, 'maxUnavailable'), goIntOrString(maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  causes.push(...validateNotMoreThan100Percent(maxUnavailable, child(path, 'maxUnavailable')));
  return causes;
}

function validateProgressDeadline(spec: DeploymentSpec): FieldCause[] {
  const deadline = spec.progressDeadlineSeconds;
  if (deadline == null) return [];
  const path = child(SPEC, 'progressDeadlineSeconds');
  const causes = validateNonnegative(deadline, path);
  if (deadline <= (spec.minReadySeconds ?? 0)) causes.push(invalid(path, deadline, 'must be greater than minReadySeconds'));
  return causes;
}

/** Go's %#v of an unsupported apps.DeploymentStrategy (the pointer printed as nil or elided). */
function goStrategy(strategy: DeploymentStrategy): string {
  const rollingUpdate = strategy.rollingUpdate ? '(*apps.RollingUpdateDeployment)(…)' : '(*apps.RollingUpdateDeployment)(nil)';
  return `apps.DeploymentStrategy{Type:${JSON.stringify(strategy.type ?? '')}, RollingUpdate:${rollingUpdate}}`;
}
