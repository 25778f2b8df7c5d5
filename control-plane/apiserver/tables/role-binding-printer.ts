/**
 * `kubectl get rolebindings|clusterrolebindings` columns (printRoleBinding and
 * printClusterRoleBinding, 1.32): the role as `Kind/name`, the age, and with `-o wide` the
 * users, groups and service accounts (`namespace/name`) bound.
 */
import type { KubeObject } from '../../../api/meta';
import type { RoleBinding, Subject } from '../../../api/rbac-v1';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './columns';
import type { Printer, TableCell } from './table';

function namesOf(subjects: readonly Subject[], kind: string, namespaced: boolean): string {
  return subjects.filter((s) => s.kind === kind).map((s) => (namespaced ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
}

function bindingCells(obj: KubeObject, now: Date): TableCell[] {
  const binding = obj as RoleBinding;
  const subjects = binding.subjects ?? [];
  const role = `${binding.roleRef?.kind ?? ''}/${binding.roleRef?.name ?? ''}`;
  return [nameOf(obj), role, ageOf(obj, now), namesOf(subjects, 'User', false), namesOf(subjects, 'Group', false), namesOf(subjects, 'ServiceAccount', true)];
}

export const roleBindingPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Role', 'string', 'Role is the role this binding grants'),
    ageColumn(),
    column('Users', 'string', 'Users bound to the role', 1),
    column('Groups', 'string', 'Groups bound to the role', 1),
    column('ServiceAccounts', 'string', 'Service accounts bound to the role', 1),
  ],
  cells: bindingCells,
};
