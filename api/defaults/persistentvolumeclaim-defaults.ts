/**
 * PersistentVolumeClaim defaults, as SetDefaults_PersistentVolumeClaim and
 * SetDefaults_PersistentVolumeClaimSpec (pkg/apis/core/v1/defaults.go, 1.32): volumeMode
 * Filesystem, status.phase Pending, resource quantities in canonical form. Used for claims
 * served on their own and for a StatefulSet's volumeClaimTemplates. Works in place.
 */
import type { PersistentVolumeClaim } from '../core-v1';
import { normalizeResourceList } from './resource-list-defaults';

export function defaultPersistentVolumeClaim(claim: PersistentVolumeClaim): PersistentVolumeClaim {
  claim.spec ??= {};
  claim.spec.volumeMode ??= 'Filesystem';
  const resources = claim.spec.resources;
  if (resources?.requests) resources.requests = normalizeResourceList(resources.requests);
  if (resources?.limits) resources.limits = normalizeResourceList(resources.limits);
  claim.status ??= {};
  claim.status.phase ||= 'Pending';
  return claim;
}
