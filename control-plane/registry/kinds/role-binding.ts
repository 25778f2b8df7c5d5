/**
 * RoleBindings (rbac.authorization.k8s.io/v1): subjects granted a Role or ClusterRole in one
 * namespace; the roleRef never changes. A request may bind only what it holds or may `bind`
 * (escalation.ts).
 */
import { validateRoleBinding, validateRoleBindingUpdate } from '../../../api/validation/rbac-validation';
import type { RoleBinding } from '../../../api/rbac-v1';
import { roleBindingPrinter } from '../../apiserver/tables/role-binding-printer';
import { checkBindingWrite } from '../../auth/rbac/escalation';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const strategy: ResourceStrategy<RoleBinding> = {
  ...defaultStrategy<RoleBinding>({ topLevelFields: [...OBJECT_FIELDS, 'subjects', 'roleRef'], hasStatus: false }),
  validate: (binding) => validateRoleBinding(binding),
  validateUpdate: (binding, old) => validateRoleBindingUpdate(binding, old),
};

export const ROLE_BINDINGS = defineKind<RoleBinding>({
  group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', singularName: 'rolebinding', kind: 'RoleBinding', listKind: 'RoleBindingList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  strategy,
  printer: roleBindingPrinter,
  requesterCheck: (requester, binding, old) => checkBindingWrite('rolebindings', requester, binding, old),
});
