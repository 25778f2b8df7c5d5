/**
 * PersistentVolumes (pkg/registry/core/persistentvolume): cluster-scoped, created with status
 * `{phase: Pending}` whatever the body says (the PV controller makes it Available, Bound,
 * Released or Failed through `…/status`); defaults on every write. Deviation: no
 * status.lastPhaseTransitionTime is stamped by the registry. Created with the
 * `kubernetes.io/pv-protection` finalizer (StorageObjectInUseProtection admission).
 */
import { defaultPersistentVolume } from '../../../api/defaults/persistentvolume-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import type { PersistentVolume } from '../../../api/storage-v1';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { validatePersistentVolume, validatePersistentVolumeUpdate } from '../../../api/validation/persistentvolume-validation';
import { persistentVolumePrinter } from '../../apiserver/tables/persistent-volume-printer';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';
import { PV_PROTECTION_FINALIZER } from '../../storage/volume-annotations';
import { withFinalizer } from '../../../api/finalizers';

const base = defaultStrategy<PersistentVolume>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

export const persistentVolumeStrategy: ResourceStrategy<PersistentVolume> = {
  ...base,
  tracksGeneration: false,
  prepareForCreate: (pv) => {
    pv.status = {};
    defaultPersistentVolume(pv);
    // The StorageObjectInUseProtection admission plugin: a Bound volume outlives its deletion until it is released.
    pv.metadata.finalizers = withFinalizer(pv.metadata.finalizers, PV_PROTECTION_FINALIZER);
  },
  validate: (pv) => validatePersistentVolume(pv),
  prepareForUpdate: (pv, old) => {
    base.prepareForUpdate(pv, old);
    defaultPersistentVolume(pv);
  },
  validateUpdate: (pv, old) => validatePersistentVolumeUpdate(pv, old),
  validateStatusUpdate: (pv, old) => validateObjectMetaUpdate(pv.metadata, old.metadata),
};

export const PERSISTENT_VOLUMES = defineKind<PersistentVolume>({
  group: '', version: 'v1', resource: 'persistentvolumes', singularName: 'persistentvolume', kind: 'PersistentVolume', listKind: 'PersistentVolumeList', namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['pv'],
  strategy: persistentVolumeStrategy,
  printer: persistentVolumePrinter,
  fields: selectableFields<PersistentVolume>(metadataFieldGetters(false)),
  subresources: { status: STATUS },
});
