/**
 * PersistentVolume defaults (SetDefaults_PersistentVolume, pkg/apis/core/v1/defaults.go 1.32):
 * phase Pending, reclaim policy Retain, volumeMode Filesystem, capacity in canonical form.
 * Works in place.
 */
import type { PersistentVolume } from '../storage-v1';
import { normalizeResourceList } from './resource-list-defaults';

export function defaultPersistentVolume(pv: PersistentVolume): PersistentVolume {
  pv.spec ??= {};
  pv.spec.persistentVolumeReclaimPolicy ??= 'Retain';
  pv.spec.volumeMode ??= 'Filesystem';
  if (pv.spec.capacity) pv.spec.capacity = normalizeResourceList(pv.spec.capacity);
  pv.status ??= {};
  pv.status.phase ||= 'Pending';
  return pv;
}
