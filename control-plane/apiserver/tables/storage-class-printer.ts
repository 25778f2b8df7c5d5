/**
 * `kubectl get storageclasses` columns (printStorageClass, 1.32): the name with " (default)"
 * for the default class; reclaim policy, binding mode and expansion with their defaults.
 */
import type { KubeObject } from '../../../api/meta';
import { isDefaultClass, type StorageClass } from '../../../api/storage-v1';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, field, nameColumn, nameOf, stringField } from './columns';
import type { Printer, TableCell } from './table';

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Provisioner', 'string', DESCRIPTIONS.classProvisioner),
    column('ReclaimPolicy', 'string', DESCRIPTIONS.classReclaimPolicy),
    column('VolumeBindingMode', 'string', DESCRIPTIONS.classBindingMode),
    column('AllowVolumeExpansion', 'string', DESCRIPTIONS.classAllowExpansion),
    ageColumn(),
  ],
  cells: classCells,
};

function classCells(obj: KubeObject, now: Date): TableCell[] {
  const name = isDefaultClass(obj as StorageClass) ? `${nameOf(obj)} (default)` : nameOf(obj);
  return [
    name, stringField(obj, 'provisioner'), stringField(obj, 'reclaimPolicy') || 'Delete', stringField(obj, 'volumeBindingMode') || 'Immediate',
    String(field(obj, 'allowVolumeExpansion') === true), ageOf(obj, now),
  ];
}
