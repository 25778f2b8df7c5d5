/**
 * StorageClass validation (ValidateStorageClass / …Update, pkg/apis/storage/validation 1.32):
 * a provisioner that is a qualified name, parameters under 256 KiB, reclaim policy Delete or
 * Retain, a known binding mode; provisioner, parameters, reclaim policy and binding mode never
 * change. allowedTopologies is checked by its schema only.
 */
import type { StorageClass } from '../storage-v1';
import { forbidden, invalid, notSupported, required, tooLong, type FieldCause } from './field-errors';
import { validateImmutableField } from './immutable-field';
import { isQualifiedName, nameIsDNSSubdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { semanticEqual } from '../semantic-equality';

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS_BYTES = 256 * 1024;

export function validateStorageClass(sc: StorageClass): FieldCause[] {
  const causes = validateObjectMeta(sc.metadata ?? {}, false, nameIsDNSSubdomain);
  causes.push(...validateProvisioner(sc.provisioner));
  causes.push(...validateParameters(sc.parameters ?? {}));
  if (sc.reclaimPolicy !== undefined && !RECLAIM_POLICIES.includes(sc.reclaimPolicy)) causes.push(notSupported('reclaimPolicy', sc.reclaimPolicy, RECLAIM_POLICIES));
  if (sc.volumeBindingMode === undefined) causes.push(required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(sc.volumeBindingMode)) causes.push(notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING_MODES));
  return causes;
}

function validateProvisioner(provisioner: string | undefined): FieldCause[] {
  if (!provisioner) return [required('provisioner')];
  if (provisioner.length > 63) return [tooLong('provisioner', 63)];
  return isQualifiedName(provisioner.toLowerCase()).map((m) => invalid('provisioner', provisioner, m));
}

function validateParameters(parameters: Record<string, string>): FieldCause[] {
  let size = 0;
  for (const [k, v] of Object.entries(parameters)) {
    if (k.length === 0) return [invalid('parameters', '', 'key may not be empty')];
    size += k.length + v.length;
  }
  return size > MAX_PARAMETERS_BYTES ? [tooLong('parameters', MAX_PARAMETERS_BYTES)] : [];
}

export function validateStorageClassUpdate(next: StorageClass, old: StorageClass): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validateStorageClass(next)];
  if (!semanticEqual(next.parameters ?? {}, old.parameters ?? {})) causes.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (next.provisioner !== old.provisioner) causes.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (next.reclaimPolicy !== old.reclaimPolicy) causes.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  causes.push(...validateImmutableField(next.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return causes;
}
