/**
 * StorageClass defaults (SetDefaults_StorageClass, pkg/apis/storage/v1/defaults.go 1.32):
 * reclaimPolicy Delete, volumeBindingMode Immediate. Works in place.
 */
import type { StorageClass } from '../storage-v1';

export function defaultStorageClass(sc: StorageClass): StorageClass {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
  return sc;
}
