/**
 * StatefulSets (pkg/registry/apps/statefulset): created with an empty status and generation 1;
 * defaults on every write; only replicas, ordinals, template, updateStrategy,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds may change (the validation says
 * which); a spec change bumps the generation. Status through `…/status`; `…/scale` reads and
 * sets the replicas.
 */
import type { StatefulSet } from '../../../api/apps-v1';
import { defaultStatefulSet } from '../../../api/defaults/statefulset-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateStatefulSet, validateStatefulSetUpdate } from '../../../api/validation/statefulset-validation';
import { validateStatefulSetStatusUpdate } from '../../../api/validation/workload-status-validation';
import { statefulSetPrinter } from '../../apiserver/tables/stateful-set-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';
import { replicasScale } from './scale';

const base = defaultStrategy<StatefulSet>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(statefulSet: StatefulSet): StatefulSet {
  return replaceContents(statefulSet, defaultStatefulSet(statefulSet));
}

/**
 * dropStatefulSetDisabledFields: rollingUpdate.maxUnavailable belongs to the alpha
 * MaxUnavailableStatefulSet gate, off in 1.32 and here (the controller does not implement it),
 * so it is dropped on write unless the stored object already uses it, as Kubernetes does with
 * the gate off.
 */
function dropDisabledFields(statefulSet: StatefulSet, old: StatefulSet | undefined): void {
  if (old?.spec?.updateStrategy?.rollingUpdate?.maxUnavailable != null) return;
  const rollingUpdate = statefulSet.spec?.updateStrategy?.rollingUpdate;
  if (rollingUpdate) delete rollingUpdate.maxUnavailable;
}

export const statefulSetStrategy: ResourceStrategy<StatefulSet> = {
  ...base,
  prepareForCreate: (statefulSet) => {
    dropDisabledFields(statefulSet, undefined);
    withDefaults(statefulSet).status = { replicas: 0, availableReplicas: 0 };
  },
  validate: (statefulSet) => validateStatefulSet(statefulSet),
  prepareForUpdate: (statefulSet, old) => {
    dropDisabledFields(statefulSet, old);
    base.prepareForUpdate(withDefaults(statefulSet), old);
  },
  validateUpdate: (statefulSet, old) => validateStatefulSetUpdate(statefulSet, old),
  validateStatusUpdate: (statefulSet, old) => validateStatefulSetStatusUpdate(statefulSet, old),
};

export const STATEFUL_SETS = defineKind<StatefulSet>({
  group: 'apps', version: 'v1', resource: 'statefulsets', singularName: 'statefulset', kind: 'StatefulSet', listKind: 'StatefulSetList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['sts'], categories: ['all'],
  strategy: statefulSetStrategy,
  printer: statefulSetPrinter,
  fields: selectableFields<StatefulSet>(metadataFieldGetters(true)),
  subresources: { status: STATUS, scale: replicasScale<StatefulSet>() },
});
