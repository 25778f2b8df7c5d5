/**
 * ClusterRoleBindings (rbac.authorization.k8s.io/v1): subjects granted a ClusterRole in every
 * namespace; the roleRef never changes. A request may bind only what it holds or may `bind`
 * (escalation.ts).
 */
import { validateClusterRoleBinding, validateClusterRoleBindingUpdate } from '../../../api/validation/rbac-validation';
import type { ClusterRoleBinding } from '../../../api/rbac-v1';
import { roleBindingPrinter } from '../../apiserver/tables/role-binding-printer';
import { checkBindingWrite } from '../../auth/rbac/escalation';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const strategy: ResourceStrategy<ClusterRoleBinding> = {
  ...defaultStrategy<ClusterRoleBinding>({ topLevelFields: [...OBJECT_FIELDS, 'subjects', 'roleRef'], hasStatus: false }),
  validate: (binding) => validateClusterRoleBinding(binding),
  validateUpdate: (binding, old) => validateClusterRoleBindingUpdate(binding, old),
};

export const CLUSTER_ROLE_BINDINGS = defineKind<ClusterRoleBinding>({
  group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', singularName: 'clusterrolebinding', kind: 'ClusterRoleBinding', listKind: 'ClusterRoleBindingList', namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  strategy,
  printer: roleBindingPrinter,
  requesterCheck: (requester, binding, old) => checkBindingWrite('clusterrolebindings', requester, binding, old),
});
