/**
 * Pod update validation (ValidatePodUpdate in pkg/apis/core/validation/validation.go): a
 * pod's spec is immutable except container images, activeDeadlineSeconds (only lowered),
 * added tolerations (existing ones may change only tolerationSeconds), removed scheduling
 * gates, and terminationGracePeriodSeconds from a negative value to 1. Both pods defaulted.
 */
import type { Container, Pod, PodSpec, Toleration } from '../core-v1';
import { describeDifferences, semanticEqual } from '../semantic-equality';
import { child, index } from './field-path';
import { forbidden, invalid, required, type FieldCause } from './field-errors';
import { inclusiveRangeError } from './names';
import { validateObjectMetaUpdate } from './object-meta';
import { validatePodMetadataAndSpec } from './pod-validation';
import { validateTolerations } from './toleration-validation';

const MAX_INT32 = 2 ** 31 - 1;

/** Kubernetes' wording of the fields a pod update may change. */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export function validatePodUpdate(next: Pod, old: Pod): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validatePodMetadataAndSpec(next)];
  const nextSpec = next.spec ?? ({ containers: [] } as PodSpec);
  const oldSpec = old.spec ?? ({ containers: [] } as PodSpec);
  for (const list of ['containers', 'initContainers'] as const) {
    const result = validateContainerUpdates(nextSpec[list] ?? [], oldSpec[list] ?? [], child('spec', list));
    causes.push(...result.causes);
    if (result.stop) return causes;
  }
  const deadline = validateDeadlineUpdate(nextSpec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds);
  if (deadline.stop) return causes.concat(deadline.causes);
  causes.push(...deadline.causes);
  causes.push(...validateOnlyAddedTolerations(nextSpec.tolerations ?? [], oldSpec.tolerations ?? [], 'spec.tolerations'));
  causes.push(...validateOnlyDeletedSchedulingGates(nextSpec, oldSpec));
  if (semanticEqual(nextSpec, oldSpec)) return causes;
  const munged = mungeUpdatableFields(nextSpec, oldSpec);
  if (!semanticEqual(munged, oldSpec)) causes.push(immutableSpecCause(oldSpec, munged));
  return causes;
}

function validateContainerUpdates(next: Container[], old: Container[], path: string): { causes: FieldCause[]; stop: boolean } {
  if (next.length !== old.length) return { causes: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const causes: FieldCause[] = [];
  next.forEach((ctr, i) => {
    const image = ctr.image ?? '';
    if (image.length === 0) causes.push(required(child(index(path, i), 'image')));
    if (image.trim().length !== image.length) causes.push(invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return { causes, stop: false };
}

/** From unset to a value, or lowered; never removed. */
function validateDeadlineUpdate(next: number | undefined, old: number | undefined): { causes: FieldCause[]; stop: boolean } {
  const field = 'spec.activeDeadlineSeconds';
  if (next === undefined || next === null) {
    return { causes: old !== undefined && old !== null ? [invalid(field, null, 'must not update from a positive integer to nil value')] : [], stop: false };
  }
  if (next < 0 || next > MAX_INT32) return { causes: [invalid(field, next, inclusiveRangeError(0, MAX_INT32))], stop: true };
  if (old !== undefined && old !== null && old < next) return { causes: [invalid(field, next, 'must be less than or equal to previous value')], stop: true };
  return { causes: [], stop: false };
}

/** Every old toleration must still be present, except that its tolerationSeconds may change. */
function validateOnlyAddedTolerations(next: Toleration[], old: Toleration[], path: string): FieldCause[] {
  for (const o of old) {
    const kept = next.some((n) => semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!kept) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

function validateOnlyDeletedSchedulingGates(next: PodSpec, old: PodSpec): FieldCause[] {
  const gateNames = (spec: PodSpec): string[] => ((spec.schedulingGates as { name: string }[] | undefined) ?? []).map((g) => g.name);
  const oldNames = new Set(gateNames(old));
  return gateNames(next).flatMap((name, i) => (oldNames.has(name) ? [] : [
    forbidden(child(index('spec.schedulingGates', i), 'name'), `only deletion is allowed, but found new scheduling gate '${name}'`),
  ]));
}

/** The new spec with every updatable field put back to its old value. */
function mungeUpdatableFields(next: PodSpec, old: PodSpec): PodSpec {
  const munged: PodSpec = structuredClone(next);
  munged.containers = (next.containers ?? []).map((c, i) => ({ ...c, image: old.containers[i]?.image }));
  if (next.initContainers) munged.initContainers = next.initContainers.map((c, i) => ({ ...c, image: old.initContainers?.[i]?.image }));
  restore(munged, old, 'activeDeadlineSeconds');
  restore(munged, old, 'schedulingGates');
  restore(munged, old, 'tolerations');
  const oldGrace = old.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  return munged;
}

function restore(target: PodSpec, source: PodSpec, field: keyof PodSpec): void {
  if (source[field] === undefined) delete target[field];
  else target[field] = structuredClone(source[field]) as never;
}

function immutableSpecCause(old: PodSpec, munged: PodSpec): FieldCause {
  const diff = describeDifferences(old, munged, 'spec').join('\n');
  return forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`);
}
