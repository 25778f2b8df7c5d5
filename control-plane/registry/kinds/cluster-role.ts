/**
 * ClusterRoles (rbac.authorization.k8s.io/v1, pkg/registry/rbac/clusterrole): cluster-wide
 * rules, non-resource URLs allowed; one with an aggregationRule has its rules filled by the
 * aggregation controller. Writes by a request are checked against the requester's own rights
 * (escalation.ts).
 */
import { validateClusterRole, validateClusterRoleUpdate } from '../../../api/validation/rbac-validation';
import type { ClusterRole } from '../../../api/rbac-v1';
import { checkRoleWrite } from '../../auth/rbac/escalation';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const strategy: ResourceStrategy<ClusterRole> = {
  ...defaultStrategy<ClusterRole>({ topLevelFields: [...OBJECT_FIELDS, 'rules', 'aggregationRule'], hasStatus: false }),
  validate: (role) => validateClusterRole(role),
  validateUpdate: (role, old) => validateClusterRoleUpdate(role, old),
};

export const CLUSTER_ROLES = defineKind<ClusterRole>({
  group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', singularName: 'clusterrole', kind: 'ClusterRole', listKind: 'ClusterRoleList', namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  strategy,
  requesterCheck: (requester, role, old) => checkRoleWrite('clusterroles', requester, role, old),
});
