/**
 * ReplicaSets (pkg/registry/apps/replicaset): created with an empty status and generation 1;
 * defaults (replicas 1, the pod template's) on every write; the selector must select the
 * template's labels and never changes; a spec change bumps the generation, which the
 * controller reports back as status.observedGeneration. Status is the controller's to write
 * through `…/status`; `…/scale` reads and sets the replicas (`kubectl scale rs/x`).
 */
import type { ReplicaSet } from '../../../api/apps-v1';
import { defaultReplicaSet } from '../../../api/defaults/replicaset-defaults';
import { metadataFieldGetters, selectableFields } from '../../../api/field-selector';
import { validateReplicaSet, validateReplicaSetUpdate } from '../../../api/validation/replicaset-validation';
import { validateReplicaSetStatusUpdate } from '../../../api/validation/workload-status-validation';
import { replicaSetPrinter } from '../../apiserver/tables/replica-set-printer';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';
import { replicasScale } from './scale';

const base = defaultStrategy<ReplicaSet>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(rs: ReplicaSet): ReplicaSet {
  return replaceContents(rs, defaultReplicaSet(rs));
}

export const replicaSetStrategy: ResourceStrategy<ReplicaSet> = {
  ...base,
  prepareForCreate: (rs) => {
    withDefaults(rs).status = { replicas: 0 };
  },
  validate: (rs) => validateReplicaSet(rs),
  prepareForUpdate: (rs, old) => base.prepareForUpdate(withDefaults(rs), old),
  validateUpdate: (rs, old) => validateReplicaSetUpdate(rs, old),
  validateStatusUpdate: (rs, old) => validateReplicaSetStatusUpdate(rs, old),
};

export const REPLICA_SETS = defineKind<ReplicaSet>({
  group: 'apps', version: 'v1', resource: 'replicasets', singularName: 'replicaset', kind: 'ReplicaSet', listKind: 'ReplicaSetList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['rs'], categories: ['all'],
  strategy: replicaSetStrategy,
  printer: replicaSetPrinter,
  // ReplicaSetToSelectableFields: the object metadata and status.replicas.
  fields: selectableFields<ReplicaSet>({ ...metadataFieldGetters(true), 'status.replicas': (rs) => String(rs.status?.replicas ?? 0) }),
  subresources: { status: STATUS, scale: replicasScale<ReplicaSet>() },
});
