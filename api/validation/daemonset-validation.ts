/**
 * DaemonSet validation (pkg/apis/apps/validation ValidateDaemonSet / ValidateDaemonSetUpdate, and
 * the apps/v1 strategy's immutable selector), for a defaulted DaemonSet. Unlike the other apps
 * kinds an unset selector is not reported as required: it selects nothing, so the template
 * mismatch is what Kubernetes reports. A rolling update has exactly one of maxSurge and
 * maxUnavailable non-zero.
 */
import type { DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet } from '../apps-v1';
import { goIntOrString, intOrPercentValue } from '../int-or-percent';
import { child } from './field-path';
import { invalidGo, notSupportedGo, required, type FieldCause } from './field-errors';
import { goLabelSelector } from './go-values';
import { validateImmutableField } from './immutable-field';
import { validateNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent-validation';
import { asSelector, validateLabelSelector, validateSelectorMatchesTemplate } from './label-selector-validation';
import { nameIsDNSSubdomain } from './names';
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validateLongRunningTemplate, validatePodTemplateSpec } from './pod-template-validation';

const SPEC = 'spec';

export function validateDaemonSet(daemonSet: DaemonSet): FieldCause[] {
  return [...validateObjectMeta(daemonSet.metadata ?? {}, true, nameIsDNSSubdomain), ...validateDaemonSetSpec(daemonSet.spec ?? ({} as DaemonSetSpec))];
}

export function validateDaemonSetUpdate(next: DaemonSet, old: DaemonSet): FieldCause[] {
  return [
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...validateDaemonSetSpec(next.spec ?? ({} as DaemonSetSpec)),
    ...validateImmutableField(next.spec?.selector, old.spec?.selector, child(SPEC, 'selector'), goLabelSelector),
  ];
}

export function validateDaemonSetSpec(spec: DaemonSetSpec): FieldCause[] {
  const causes = [...validateLabelSelector(spec.selector, child(SPEC, 'selector')), ...validateSelectorAgainstTemplate(spec)];
  causes.push(...validatePodTemplateSpec(spec.template, child(SPEC, 'template')));
  causes.push(...validateLongRunningTemplate(spec.template, 'DaemonSet', child(SPEC, 'template')));
  causes.push(...validateNonnegative(spec.minReadySeconds ?? 0, child(SPEC, 'minReadySeconds')));
  causes.push(...validateUpdateStrategy(spec.updateStrategy ?? {}, child(SPEC, 'updateStrategy')));
  if (spec.revisionHistoryLimit != null) causes.push(...validateNonnegative(spec.revisionHistoryLimit, child(SPEC, 'revisionHistoryLimit')));
  return causes;
}

function validateSelectorAgainstTemplate(spec: DaemonSetSpec): FieldCause[] {
  const selector = asSelector(spec.selector);
  const causes = selector ? validateSelectorMatchesTemplate(selector, spec.template?.metadata?.labels, child(SPEC, 'template.metadata.labels')) : [];
  const size = Object.keys(spec.selector?.matchLabels ?? {}).length + (spec.selector?.matchExpressions ?? []).length;
  if (spec.selector && size === 0) causes.push(invalidGo(child(SPEC, 'selector'), goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  return causes;
}

function validateUpdateStrategy(strategy: DaemonSetUpdateStrategy, path: string): FieldCause[] {
  switch (strategy.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      return strategy.rollingUpdate ? validateRollingUpdate(strategy.rollingUpdate, child(path, 'rollingUpdate')) : [required(child(path, 'rollingUpdate'))];
    default:
      return [notSupportedGo(path, `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(strategy.type ?? '')}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`, ['RollingUpdate', 'OnDelete'])];
  }
}

function validateRollingUpdate(rollingUpdate: RollingUpdateDaemonSet, path: string): FieldCause[] {
  const { maxUnavailable, maxSurge } = rollingUpdate;
  const causes = [
    ...validatePositiveIntOrPercent(maxUnavailable, child(path, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(maxSurge, child(path, 'maxSurge')),
    ...validateNotMoreThan100Percent(maxUnavailable, child(path, 'maxUnavailable')),
    ...validateNotMoreThan100Percent(maxSurge, child(path, 'maxSurge')),
  ];
  const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(maxSurge) !== 0;
  if (hasUnavailable && hasSurge) causes.push(invalidGo(child(path, 'maxSurge'), goIntOrString(maxSurge), 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) causes.push(required(child(path, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return causes;
}
