/**
 * Namespace validation (ValidateNamespace / ValidateNamespaceUpdate).
 */
import type { Namespace } from '../core-v1';
import { invalid, type FieldCause } from './field-errors';
import { isQualifiedName, nameIsDNSLabel } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

/** Finalizer names without a '/' must be one Kubernetes knows. */
const STANDARD_FINALIZERS = new Set(['kubernetes']);

export function validateNamespace(ns: Namespace): FieldCause[] {
  const causes = validateObjectMeta(ns.metadata ?? {}, false, nameIsDNSLabel);
  for (const finalizer of ns.spec?.finalizers ?? []) causes.push(...validateFinalizerName(finalizer, 'spec.finalizers'));
  return causes;
}

function validateFinalizerName(name: string, field: string): FieldCause[] {
  const causes = isQualifiedName(name).map((msg) => invalid(field, name, msg));
  if (!name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    causes.push(invalid(field, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return causes;
}

export function validateNamespaceUpdate(next: Namespace, old: Namespace): FieldCause[] {
  return validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {});
}
