/**
 * PersistentVolumeClaim validation (ValidatePersistentVolumeClaim / …Update in
 * pkg/apis/core/validation, 1.32), for a defaulted claim: at least one supported access mode
 * (ReadWriteOncePod alone), a positive `resources.requests.storage`, a storage class that is a
 * DNS subdomain, volumeMode Block or Filesystem. After creation the spec is immutable, except
 * that volumeName may be set once (the binder), a claim without a class may be given one (the
 * retroactive default class) and a bound claim may change its requests.
 * dataSource, dataSourceRef and volumeAttributesClassName are not checked beyond their schema
 * (nothing here provisions from them).
 */
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec } from '../core-v1';
import { QuantityFormatError } from '../quantity';
import { semanticEqual } from '../semantic-equality';
import { child, key } from './field-path';
import { forbidden, invalid, notSupported, required, type FieldCause } from './field-errors';
import { validateLabelSelector } from './label-selector-validation';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { quantityOf, validateQuantityValue } from './resource-validation';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

export function validatePersistentVolumeClaim(claim: PersistentVolumeClaim): FieldCause[] {
  return [...validateObjectMeta(claim.metadata ?? {}, true, nameIsDNSSubdomain), ...validatePersistentVolumeClaimSpec(claim.spec ?? {}, 'spec')];
}

export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec, path: string): FieldCause[] {
  const causes = [...validateAccessModes(spec.accessModes ?? [], child(path, 'accessModes')), ...validateStorageRequest(spec, path)];
  if (spec.selector) causes.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  if (spec.storageClassName) causes.push(...isDNS1123Subdomain(spec.storageClassName).map((m) => invalid(child(path, 'storageClassName'), spec.storageClassName, m)));
  if (spec.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) causes.push(notSupported(child(path, 'volumeMode'), spec.volumeMode, VOLUME_MODES));
  return causes;
}

function validateAccessModes(modes: readonly string[], path: string): FieldCause[] {
  if (modes.length === 0) return [required(path, 'at least 1 access mode is required')];
  const causes = modes.filter((m) => !ACCESS_MODES.includes(m)).map((m) => notSupported(path, m, ACCESS_MODES));
  const oncePod = modes.includes('ReadWriteOncePod');
  if (oncePod && modes.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(m))) causes.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return causes;
}

function validateStorageRequest(spec: PersistentVolumeClaimSpec, path: string): FieldCause[] {
  const field = key(child(path, 'resources'), 'storage');
  const raw = spec.resources?.requests?.storage;
  if (raw === undefined) return [required(field)];
  const q = quantityOf(raw);
  if (q instanceof QuantityFormatError) return [invalid(field, String(raw), q.message)];
  if (q.sign() <= 0) return [invalid(field, q.toString(), 'must be greater than zero')];
  return validateQuantityValue('storage', q, field);
}

/** The spec may change only as the binder (volumeName, once) and expansion (a bound claim's requests) change it. */
export function validatePersistentVolumeClaimUpdate(next: PersistentVolumeClaim, old: PersistentVolumeClaim): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validatePersistentVolumeClaim(next)];
  const comparable = structuredClone(old.spec ?? {});
  if (!comparable.volumeName) comparable.volumeName = next.spec?.volumeName;
  // RetroactiveDefaultStorageClass (GA in 1.28): a claim without a class may be given one once.
  if (comparable.storageClassName === undefined) comparable.storageClassName = next.spec?.storageClassName;
  if (old.status?.phase === 'Bound') comparable.resources = { ...comparable.resources, requests: next.spec?.resources?.requests };
  if (!semanticEqual(next.spec ?? {}, comparable)) {
    causes.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  return causes;
}
