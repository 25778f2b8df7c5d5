/**
 * Roles (rbac.authorization.k8s.io/v1, pkg/registry/rbac/role): namespaced rules; no status.
 * Writes by a request are refused when they would grant what the requester does not hold
 * (escalation.ts).
 */
import { validateRole, validateRoleUpdate } from '../../../api/validation/rbac-validation';
import type { Role } from '../../../api/rbac-v1';
import { checkRoleWrite } from '../../auth/rbac/escalation';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const strategy: ResourceStrategy<Role> = {
  ...defaultStrategy<Role>({ topLevelFields: [...OBJECT_FIELDS, 'rules'], hasStatus: false }),
  validate: (role) => validateRole(role),
  validateUpdate: (role, old) => validateRoleUpdate(role, old),
};

export const ROLES = defineKind<Role>({
  group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', singularName: 'role', kind: 'Role', listKind: 'RoleList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  strategy,
  requesterCheck: (requester, role, old) => checkRoleWrite('roles', requester, role, old),
});
