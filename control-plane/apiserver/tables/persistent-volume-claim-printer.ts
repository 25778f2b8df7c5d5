/**
 * `kubectl get persistentvolumeclaims` columns (printPersistentVolumeClaim, 1.32): capacity and
 * access modes are the bound volume's, so they stay empty while the claim is unbound; the
 * class is the beta annotation's, else spec.storageClassName.
 */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, arrayField, column, field, nameColumn, nameOf, stringField } from './columns';
import type { Printer, TableCell } from './table';

const ACCESS_MODE_SHORT: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Status', 'string', DESCRIPTIONS.claimPhase),
    column('Volume', 'string', DESCRIPTIONS.claimVolume),
    column('Capacity', 'string', DESCRIPTIONS.claimCapacity),
    column('Access Modes', 'string', DESCRIPTIONS.claimAccessModes),
    column('StorageClass', 'string', DESCRIPTIONS.claimStorageClass),
    column('VolumeAttributesClass', 'string', DESCRIPTIONS.claimVolumeAttributesClass),
    ageColumn(),
    column('VolumeMode', 'string', DESCRIPTIONS.claimVolumeMode, 1),
  ],
  cells: claimCells,
};

function claimCells(obj: KubeObject, now: Date): TableCell[] {
  const phase = obj.metadata.deletionTimestamp ? 'Terminating' : stringField(obj, 'status', 'phase');
  const volumeName = stringField(obj, 'spec', 'volumeName');
  const capacity = volumeName ? stringField(obj, 'status', 'capacity', 'storage') : '';
  const modes = volumeName ? accessModesAsString(arrayField(obj, 'status', 'accessModes')) : '';
  const attributesClass = stringField(obj, 'spec', 'volumeAttributesClassName') || '<unset>';
  const volumeMode = stringField(obj, 'spec', 'volumeMode') || '<unset>';
  return [nameOf(obj), phase, volumeName, capacity, modes, claimClass(obj), attributesClass, ageOf(obj, now), volumeMode];
}

/** GetAccessModesAsString: each mode once, in the fixed order RWO, ROX, RWX, RWOP. */
export function accessModesAsString(modes: unknown[]): string {
  return Object.keys(ACCESS_MODE_SHORT).filter((m) => modes.includes(m)).map((m) => ACCESS_MODE_SHORT[m]).join(',');
}

function claimClass(obj: KubeObject): string {
  const annotated = obj.metadata.annotations?.[BETA_CLASS_ANNOTATION];
  if (annotated !== undefined) return annotated;
  const name = field(obj, 'spec', 'storageClassName');
  return typeof name === 'string' ? name : '';
}
