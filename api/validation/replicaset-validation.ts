/**
 * ReplicaSet validation (pkg/apis/apps/validation ValidateReplicaSet / ValidateReplicaSetUpdate,
 * and the apps/v1 strategy's immutable selector), for a defaulted ReplicaSet. The template
 * checks are shared with Deployments, as Kubernetes shares ValidatePodTemplateSpecForReplicaSet
 * (its messages say "ReplicaSet" for both; the empty-selector message says "deployment" for both).
 */
import type { ReplicaSet, ReplicaSetSpec } from '../apps-v1';
import type { PodTemplateSpec } from '../core-v1';
import type { Selector } from '../label-selector';
import { child } from './field-path';
import { invalidGo, type FieldCause } from './field-errors';
import { goLabelSelector } from './go-values';
import { validateImmutableField } from './immutable-field';
import { asSelector, validateSelectorMatchesTemplate, validateWorkloadSelector } from './label-selector-validation';
import { nameIsDNSSubdomain } from './names';
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validateLongRunningTemplate, validatePodTemplateSpec } from './pod-template-validation';

const SPEC = 'spec';

export function validateReplicaSet(replicaSet: ReplicaSet): FieldCause[] {
  return [...validateObjectMeta(replicaSet.metadata ?? {}, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(replicaSet.spec ?? ({} as ReplicaSetSpec))];
}

export function validateReplicaSetUpdate(next: ReplicaSet, old: ReplicaSet): FieldCause[] {
  return [
    ...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}),
    ...validateReplicaSetSpec(next.spec ?? ({} as ReplicaSetSpec)),
    ...validateImmutableField(next.spec?.selector, old.spec?.selector, child(SPEC, 'selector'), goLabelSelector),
  ];
}

export function validateReplicaSetSpec(spec: ReplicaSetSpec): FieldCause[] {
  const causes = [
    ...validateNonnegative(spec.replicas ?? 0, child(SPEC, 'replicas')),
    ...validateNonnegative(spec.minReadySeconds ?? 0, child(SPEC, 'minReadySeconds')),
    ...validateWorkloadSelector(spec.selector, 'deployment', child(SPEC, 'selector')),
  ];
  const selector = asSelector(spec.selector);
  if (!selector) return [...causes, invalidGo(child(SPEC, 'selector'), goLabelSelector(spec.selector), 'invalid label selector')];
  return [...causes, ...validateReplicaSetTemplate(spec.template, selector, child(SPEC, 'template'))];
}

/** ValidatePodTemplateSpecForReplicaSet: selected by the selector, a valid pod, restartPolicy Always. */
export function validateReplicaSetTemplate(template: PodTemplateSpec | undefined, selector: Selector, path: string): FieldCause[] {
  return [
    ...validateSelectorMatchesTemplate(selector, template?.metadata?.labels, child(path, 'metadata.labels')),
    ...validatePodTemplateSpec(template, path),
    ...validateLongRunningTemplate(template, 'ReplicaSet', path),
  ];
}
