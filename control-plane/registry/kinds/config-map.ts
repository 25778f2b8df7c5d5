/**
 * ConfigMaps (pkg/registry/core/configmap): no spec, no status, no generation; keys and size
 * checked on every write, and an `immutable` one keeps its contents for good.
 */
import type { ConfigMap } from '../../../api/config-v1';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateConfigMap, validateConfigMapUpdate } from '../../../api/validation/config-validation';
import { configMapPrinter } from '../../apiserver/tables/config-printers';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const strategy: ResourceStrategy<ConfigMap> = {
  ...defaultStrategy<ConfigMap>({ topLevelFields: [...OBJECT_FIELDS, 'immutable', 'data', 'binaryData'], hasStatus: false }),
  validate: (cm) => validateConfigMap(cm),
  validateUpdate: (cm, old) => validateConfigMapUpdate(cm, old),
};

export const CONFIG_MAPS = defineKind<ConfigMap>({
  group: '', version: 'v1', resource: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', listKind: 'ConfigMapList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['cm'],
  strategy,
  printer: configMapPrinter,
  fields: selectableFields<ConfigMap>(metadataFieldGetters(true)),
});
