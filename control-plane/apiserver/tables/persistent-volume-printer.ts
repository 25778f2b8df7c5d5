/**
 * `kubectl get persistentvolumes` columns (printPersistentVolume, 1.32): the claim as
 * namespace/name, Terminating while deleted, VolumeAttributesClass `<unset>` when empty.
 */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, arrayField, column, nameColumn, nameOf, stringField } from './columns';
import { accessModesAsString } from './persistent-volume-claim-printer';
import type { Printer, TableCell } from './table';

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn(),
    column('Capacity', 'string', DESCRIPTIONS.volumeCapacity),
    column('Access Modes', 'string', DESCRIPTIONS.volumeAccessModes),
    column('Reclaim Policy', 'string', DESCRIPTIONS.volumeReclaimPolicy),
    column('Status', 'string', DESCRIPTIONS.volumePhase),
    column('Claim', 'string', DESCRIPTIONS.volumeClaim),
    column('StorageClass', 'string', DESCRIPTIONS.volumeStorageClass),
    column('VolumeAttributesClass', 'string', DESCRIPTIONS.volumeAttributesClass),
    column('Reason', 'string', DESCRIPTIONS.volumeReason),
    ageColumn(),
    column('VolumeMode', 'string', DESCRIPTIONS.volumeMode, 1),
  ],
  cells: volumeCells,
};

function volumeCells(obj: KubeObject, now: Date): TableCell[] {
  const claimName = stringField(obj, 'spec', 'claimRef', 'name');
  const claim = claimName ? `${stringField(obj, 'spec', 'claimRef', 'namespace')}/${claimName}` : '';
  const phase = obj.metadata.deletionTimestamp ? 'Terminating' : stringField(obj, 'status', 'phase');
  return [
    nameOf(obj), stringField(obj, 'spec', 'capacity', 'storage'), accessModesAsString(arrayField(obj, 'spec', 'accessModes')),
    stringField(obj, 'spec', 'persistentVolumeReclaimPolicy'), phase, claim, stringField(obj, 'spec', 'storageClassName'),
    stringField(obj, 'spec', 'volumeAttributesClassName') || '<unset>', stringField(obj, 'status', 'reason'), ageOf(obj, now),
    stringField(obj, 'spec', 'volumeMode') || '<unset>',
  ];
}
