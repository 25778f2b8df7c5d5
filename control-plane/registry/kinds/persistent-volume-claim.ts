/**
 * PersistentVolumeClaims (pkg/registry/core/persistentvolumeclaim): created with status
 * `{phase: Pending}` whatever the body says (Kubernetes clears status and its defaulting makes
 * the phase Pending); defaults on every write; the spec is immutable but for what the binder
 * and expansion change (the validation says which). Status through `…/status`; the
 * persistentvolume-binder-controller binds claims. Created with the `kubernetes.io/pvc-protection`
 * finalizer, as Kubernetes' StorageObjectInUseProtection admission adds it.
 */
import type { PersistentVolumeClaim } from '../../../api/core-v1';
import { defaultPersistentVolumeClaim } from '../../../api/defaults/persistentvolumeclaim-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import type { KubeObject } from '../../../api/meta';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from '../../../api/validation/persistentvolumeclaim-validation';
import { persistentVolumeClaimPrinter } from '../../apiserver/tables/persistent-volume-claim-printer';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';
import { PVC_PROTECTION_FINALIZER } from '../../storage/volume-annotations';
import { withFinalizer } from '../../../api/finalizers';
import { validateClaimLimits } from '../limit-range-admission';

/** A claim as stored: the registry's objects are KubeObjects with a claim's fields. */
export type StoredClaim = PersistentVolumeClaim & KubeObject;

const base = defaultStrategy<StoredClaim>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

export const persistentVolumeClaimStrategy: ResourceStrategy<StoredClaim> = {
  ...base,
  // Claims have no generation in Kubernetes (their strategy does not track one).
  tracksGeneration: false,
  prepareForCreate: (claim) => {
    claim.status = {};
    defaultPersistentVolumeClaim(claim);
    // The StorageObjectInUseProtection admission plugin: a claim in use by a pod outlives its deletion until the pod goes.
    claim.metadata.finalizers = withFinalizer(claim.metadata.finalizers, PVC_PROTECTION_FINALIZER);
  },
  validate: (claim) => validatePersistentVolumeClaim(claim),
  prepareForUpdate: (claim, old) => {
    base.prepareForUpdate(claim, old);
    defaultPersistentVolumeClaim(claim);
  },
  validateUpdate: (claim, old) => validatePersistentVolumeClaimUpdate(claim, old),
  validateStatusUpdate: (claim, old) => validateObjectMetaUpdate(claim.metadata, old.metadata),
};

export const PERSISTENT_VOLUME_CLAIMS = defineKind<StoredClaim>({
  group: '', version: 'v1', resource: 'persistentvolumeclaims', singularName: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', listKind: 'PersistentVolumeClaimList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['pvc'],
  strategy: persistentVolumeClaimStrategy,
  printer: persistentVolumeClaimPrinter,
  // PersistentVolumeClaimToSelectableFields: the object metadata only.
  fields: selectableFields<StoredClaim>(metadataFieldGetters(true)),
  // LimitRanger: min and max storage of PersistentVolumeClaim items.
  validateCreate: validateClaimLimits,
  subresources: { status: STATUS },
});
