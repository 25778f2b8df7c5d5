/**
 * StorageClasses (storage.k8s.io/v1, pkg/registry/storage/storageclass): cluster-scoped, no
 * spec and no status; defaults (reclaim Delete, binding Immediate) on every write; the
 * provisioner, parameters, reclaim policy and binding mode never change.
 */
import { defaultStorageClass } from '../../../api/defaults/storageclass-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import type { StorageClass } from '../../../api/storage-v1';
import { validateStorageClass, validateStorageClassUpdate } from '../../../api/validation/storageclass-validation';
import { storageClassPrinter } from '../../apiserver/tables/storage-class-printer';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const CLASS_FIELDS = [...OBJECT_FIELDS, 'provisioner', 'parameters', 'reclaimPolicy', 'mountOptions', 'allowVolumeExpansion', 'volumeBindingMode', 'allowedTopologies'];

const strategy: ResourceStrategy<StorageClass> = {
  ...defaultStrategy<StorageClass>({ topLevelFields: CLASS_FIELDS, hasStatus: false }),
  prepareForCreate: (sc) => void defaultStorageClass(sc),
  validate: (sc) => validateStorageClass(sc),
  prepareForUpdate: (sc) => void defaultStorageClass(sc),
  validateUpdate: (sc, old) => validateStorageClassUpdate(sc, old),
};

export const STORAGE_CLASSES = defineKind<StorageClass>({
  group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', singularName: 'storageclass', kind: 'StorageClass', listKind: 'StorageClassList', namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['sc'],
  strategy,
  printer: storageClassPrinter,
  fields: selectableFields<StorageClass>(metadataFieldGetters(false)),
});
