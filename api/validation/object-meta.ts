/**
 * metadata validation, as apimachinery/pkg/api/validation ValidateObjectMeta and
 * ValidateObjectMetaUpdate. Called after name generation: a create without a name fails.
 */
import type { ObjectMeta, OwnerReference } from '../meta';
import { child } from './field-path';
import { forbidden, invalid, required, tooLong, type FieldCause } from './field-errors';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameValidator } from './names';

/** Total bytes of annotation keys and values Kubernetes accepts. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const FIELD_IMMUTABLE = 'field is immutable';

export function validateObjectMeta(meta: ObjectMeta, requiresNamespace: boolean, nameFn: NameValidator, path = 'metadata'): FieldCause[] {
  return [
    ...validateNames(meta, nameFn, path),
    ...validateNamespaceField(meta, requiresNamespace, path),
    ...validateNonnegative(meta.generation ?? 0, child(path, 'generation')),
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validateOwnerReferences(meta.ownerReferences ?? [], child(path, 'ownerReferences')),
    ...validateFinalizers(meta.finalizers ?? [], child(path, 'finalizers')),
  ];
}

function validateNames(meta: ObjectMeta, nameFn: NameValidator, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (meta.generateName) {
    for (const msg of nameFn(meta.generateName, true)) causes.push(invalid(child(path, 'generateName'), meta.generateName, msg));
  }
  if (!meta.name) causes.push(required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of nameFn(meta.name, false)) causes.push(invalid(child(path, 'name'), meta.name, msg));
  return causes;
}

function validateNamespaceField(meta: ObjectMeta, requiresNamespace: boolean, path: string): FieldCause[] {
  const field = child(path, 'namespace');
  if (!requiresNamespace) return meta.namespace ? [forbidden(field, 'not allowed on this type')] : [];
  if (!meta.namespace) return [required(field)];
  return nameIsDNSLabel(meta.namespace, false).map((msg) => invalid(field, meta.namespace, msg));
}

/** `must be greater than or equal to 0` for a negative value. */
export function validateNonnegative(value: number, field: string): FieldCause[] {
  return value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/** Label keys must be qualified names, values valid label values; all reported at `path`. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    causes.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(String(v))) causes.push(invalid(path, v, msg));
  }
  return causes;
}

export function validateLabelName(name: string, path: string): FieldCause[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

/** Keys are checked lower-cased, as Kubernetes does; the total size is capped at 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) causes.push(invalid(path, k, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) causes.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return causes;
}

function validateOwnerReferences(refs: OwnerReference[], path: string): FieldCause[] {
  const causes: FieldCause[] = refs.flatMap((ref) => validateOwnerReference(ref, path));
  const controllers = refs.filter((r) => r.controller === true);
  if (controllers.length > 1) {
    const [first, second] = controllers.map((r) => `${r.kind}/${r.name}`);
    causes.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${first} and ${second}`));
  }
  return causes;
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const version = (ref.apiVersion ?? '').split('/').pop() ?? '';
  if (!version) causes.push(invalid(child(path, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) causes.push(invalid(child(path, 'kind'), ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) causes.push(invalid(child(path, 'name'), ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) causes.push(invalid(child(path, 'uid'), ref.uid ?? '', 'uid must not be empty'));
  if (ref.apiVersion === 'v1' && ref.kind === 'Event') causes.push(invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  return causes;
}

function validateFinalizers(finalizers: string[], path: string): FieldCause[] {
  const causes = finalizers.flatMap((f) => isQualifiedName(f).map((msg) => invalid(path, f, msg)));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    causes.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return causes;
}

/** ValidateObjectMetaUpdate: identity fields are immutable; labels etc. revalidated. */
export function validateObjectMetaUpdate(next: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldCause[] {
  const causes: FieldCause[] = [];
  if (old.deletionTimestamp) causes.push(...noNewFinalizers(next.finalizers ?? [], old.finalizers ?? [], child(path, 'finalizers')));
  if (!next.resourceVersion) causes.push(invalid(child(path, 'resourceVersion'), next.resourceVersion ?? '', 'must be specified for an update'));
  if ((next.generation ?? 0) < (old.generation ?? 0)) causes.push(invalid(child(path, 'generation'), next.generation ?? 0, 'must not be decremented'));
  for (const field of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if ((next[field] ?? '') !== (old[field] ?? '')) causes.push(invalid(child(path, field), next[field] ?? '', FIELD_IMMUTABLE));
  }
  causes.push(...validateLabels(next.labels, child(path, 'labels')));
  causes.push(...validateAnnotations(next.annotations, child(path, 'annotations')));
  causes.push(...validateOwnerReferences(next.ownerReferences ?? [], child(path, 'ownerReferences')));
  return causes;
}

function noNewFinalizers(next: string[], old: string[], path: string): FieldCause[] {
  const extra = [...new Set(next.filter((f) => !old.includes(f)))].sort();
  if (extra.length === 0) return [];
  const shown = `[]string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`;
  return [forbidden(path, `no new finalizers can be added if the object is being deleted, found new finalizers ${shown}`)];
}
