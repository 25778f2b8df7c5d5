/**
 * Whether a binding's subject names a user: a User by name, a Group the user is in, or a
 * ServiceAccount as its user name `system:serviceaccount:<namespace>:<name>` (a RoleBinding's
 * subject without a namespace means the binding's own). RBAC's appliesToUser.
 */
import type { Subject } from '../../../api/rbac-v1';
import type { UserInfo } from '../authenticator';

export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';

export function subjectAppliesTo(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User': return user.name === subject.name;
    case 'Group': return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== '' && user.name === `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${subject.name}`;
    }
    default: return false;
  }
}

export function bindingAppliesTo(subjects: readonly Subject[] | undefined, user: UserInfo, bindingNamespace: string): Subject | undefined {
  return (subjects ?? []).find((s) => subjectAppliesTo(s, user, bindingNamespace));
}
