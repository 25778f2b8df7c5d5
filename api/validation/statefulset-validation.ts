/**
 * StatefulSet validation (pkg/apis/apps/validation ValidateStatefulSet / ValidateStatefulSetUpdate,
 * 1.32), for a defaulted StatefulSet. Facts that differ from the other apps kinds, all as
 * Kubernetes does them:
 * - The name is a DNS-1123 label (it becomes part of pod hostnames).
 * - spec.serviceName is not validated at all: the 1.32 schema lists it as required, but the
 *   server accepts it empty (1.33 made it optional in the schema too).
 * - The template's pod spec is NOT validated (a TODO in Kubernetes, because volume mounts may
 *   name volumeClaimTemplates); only its labels, annotations, restartPolicy and
 *   activeDeadlineSeconds are. volumeClaimTemplates are not validated either.
 * - On update only replicas, ordinals, template, updateStrategy,
 *   persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
 */
import type { RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy } from '../apps-v1';
import { goIntOrString, intOrPercentValue } from '../int-or-percent';
import { semanticEqual } from '../semantic-equality';
import { child } from './field-path';
import { forbidden, invalid, invalidGo, notSupported, required, type FieldCause } from './field-errors';
import { goLabelSelector } from './go-values';
import { validateNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent-validation';
import { asSelector, validateSelectorMatchesTemplate, validateWorkloadSelector } from './label-selector-validation';
import { nameIsDNSLabel } from './names';
import { validateAnnotations, validateLabels, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validateLongRunningTemplate } from './pod-template-validation';

const SPEC = 'spec';
const RETENTION_POLICIES = ['Retain', 'Delete'];
const MUTABLE_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'] as const;

export function validateStatefulSet(statefulSet: StatefulSet): FieldCause[] {
  return [...validateObjectMeta(statefulSet.metadata ?? {}, true, nameIsDNSLabel), ...validateStatefulSetSpec(statefulSet.spec ?? ({} as StatefulSetSpec))];
}

/** The name is not revalidated on update (older objects may have subdomain names). */
export function validateStatefulSetUpdate(next: StatefulSet, old: StatefulSet): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validateStatefulSetSpec(next.spec ?? ({} as StatefulSetSpec))];
  if (!semanticEqual(withoutMutableFields(next.spec), withoutMutableFields(old.spec))) {
    causes.push(forbidden(SPEC, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return causes;
}

function withoutMutableFields(spec: StatefulSetSpec | undefined): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...spec };
  for (const field of MUTABLE_FIELDS) delete rest[field];
  return rest;
}

export function validateStatefulSetSpec(spec: StatefulSetSpec): FieldCause[] {
  const causes = [
    ...validatePodManagementPolicy(spec.podManagementPolicy ?? ''),
    ...validateUpdateStrategy(spec.updateStrategy ?? {}),
    ...validateRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy),
  ];
  causes.push(...validateNonnegative(spec.replicas ?? 0, child(SPEC, 'replicas')));
  causes.push(...validateNonnegative(spec.minReadySeconds ?? 0, child(SPEC, 'minReadySeconds')));
  if (spec.ordinals) causes.push(...validateNonnegative(spec.ordinals.start ?? 0, child(SPEC, 'ordinals.start')));
  causes.push(...validateWorkloadSelector(spec.selector, 'statefulset', child(SPEC, 'selector')));
  causes.push(...validateTemplate(spec));
  return causes;
}

function validateRetentionPolicy(policy: StatefulSetSpec['persistentVolumeClaimRetentionPolicy']): FieldCause[] {
  if (!policy) return [];
  return (['whenDeleted', 'whenScaled'] as const)
    .filter((f) => !RETENTION_POLICIES.includes(policy[f] ?? ''))
    .map((f) => notSupported(child(SPEC, `persistentVolumeClaimRetentionPolicy.${f}`), policy[f] ?? '', RETENTION_POLICIES));
}

function validatePodManagementPolicy(policy: string): FieldCause[] {
  const path = child(SPEC, 'podManagementPolicy');
  if (policy === '') return [required(path)];
  return policy === 'OrderedReady' || policy === 'Parallel' ? [] : [invalid(path, policy, "must be 'OrderedReady' or 'Parallel'")];
}

function validateUpdateStrategy(strategy: StatefulSetUpdateStrategy): FieldCause[] {
  const path = child(SPEC, 'updateStrategy');
  switch (strategy.type) {
    case undefined: case '' as StatefulSetUpdateStrategy['type']:
      return [required(path)];
    case 'OnDelete':
      return strategy.rollingUpdate ? [invalid(child(path, 'rollingUpdate'), strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate':
      return strategy.rollingUpdate ? validateRollingUpdate(strategy.rollingUpdate, child(path, 'rollingUpdate')) : [];
    default:
      return [invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRollingUpdate(rollingUpdate: RollingUpdateStatefulSetStrategy, path: string): FieldCause[] {
  const causes = validateNonnegative(rollingUpdate.partition ?? 0, child(path, 'partition'));
  const maxUnavailable = rollingUpdate.maxUnavailable;
  if (maxUnavailable == null) return causes;
  const maxPath = child(path, 'maxUnavailable');
  causes.push(...validatePositiveIntOrPercent(maxUnavailable, maxPath));
  if (intOrPercentValue(maxUnavailable) === 0) causes.push(invalidGo(maxPath, goIntOrString(maxUnavailable), 'cannot be 0'));
  causes.push(...validateNotMoreThan100Percent(maxUnavailable, maxPath));
  return causes;
}

/** ValidatePodTemplateSpecForStatefulSet: selection, labels, annotations; then the apps rules. */
function validateTemplate(spec: StatefulSetSpec): FieldCause[] {
  const path = child(SPEC, 'template');
  const selector = asSelector(spec.selector);
  if (!selector) return [invalidGo(child(SPEC, 'selector'), goLabelSelector(spec.selector), ''), ...validateLongRunningTemplate(spec.template, 'StatefulSet', path)];
  return [
    ...validateSelectorMatchesTemplate(selector, spec.template?.metadata?.labels, child(path, 'metadata.labels')),
    ...validateLabels(spec.template?.metadata?.labels, child(path, 'labels')),
    ...validateAnnotations(spec.template?.metadata?.annotations, child(path, 'annotations')),
    ...validateLongRunningTemplate(spec.template, 'StatefulSet', path),
  ];
}
