/**
 * What RBAC reads: the roles and bindings of the cluster, from memory. The API server keeps
 * them in four informers (policy-cache.ts); tests hand in fixed sets.
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../api/rbac-v1';

export interface RbacPolicy {
  role(namespace: string, name: string): Role | undefined;
  clusterRole(name: string): ClusterRole | undefined;
  roleBindings(namespace: string): readonly RoleBinding[];
  clusterRoleBindings(): readonly ClusterRoleBinding[];
}

/** A fixed policy (tests, and SubjectAccessReview-style checks of objects not stored yet). */
export function staticPolicy(objects: { roles?: Role[]; clusterRoles?: ClusterRole[]; roleBindings?: RoleBinding[]; clusterRoleBindings?: ClusterRoleBinding[] }): RbacPolicy {
  return {
    role: (ns, name) => objects.roles?.find((r) => r.metadata.namespace === ns && r.metadata.name === name),
    clusterRole: (name) => objects.clusterRoles?.find((r) => r.metadata.name === name),
    roleBindings: (ns) => (objects.roleBindings ?? []).filter((b) => b.metadata.namespace === ns),
    clusterRoleBindings: () => objects.clusterRoleBindings ?? [],
  };
}
