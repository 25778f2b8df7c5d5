/**
 * The rules a user holds in a namespace (RBAC's DefaultRuleResolver.VisitRulesFor): those of
 * the ClusterRoles bound by every ClusterRoleBinding naming the user, then, in a namespace,
 * those of the Roles and ClusterRoles bound there by RoleBindings naming the user. A binding to
 * a role that does not exist is an error the caller reports (the Forbidden message's reason,
 * SelfSubjectRulesReview's evaluationError), not a failure.
 */
import type { PolicyRule, RoleRef } from '../../../api/rbac-v1';
import type { UserInfo } from '../authenticator';
import type { RbacPolicy } from './rbac-policy';
import { bindingAppliesTo } from './subject-match';
import type { Subject } from '../../../api/rbac-v1';

/** Where a rule came from, for the "allowed by" reason. */
export interface RuleSource {
  binding: string;
  bindingKind: 'ClusterRoleBinding' | 'RoleBinding';
  bindingNamespace: string;
  roleRef: RoleRef;
  subject: Subject;
}

/** Return true to stop visiting. */
export type RuleVisitor = (source: RuleSource, rule: PolicyRule) => boolean;

export class RuleResolver {
  constructor(private readonly policy: RbacPolicy) {}

  /** The rules of a role reference; undefined (with an error text) for a missing role. */
  rulesOfRef(ref: RoleRef, namespace: string): { rules: readonly PolicyRule[] } | { error: string } {
    if (ref.kind === 'Role') {
      const role = this.policy.role(namespace, ref.name);
      return role ? { rules: role.rules ?? [] } : { error: `role.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.policy.clusterRole(ref.name);
      return role ? { rules: role.rules ?? [] } : { error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found` };
    }
    return { error: `unsupported role reference kind: "${ref.kind}"` };
  }

  /** Visits the user's rules until the visitor says stop; returns the errors met on the way. */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): string[] {
    const errors: string[] = [];
    for (const binding of this.policy.clusterRoleBindings()) {
      if (this.visitBinding(binding.metadata.name ?? '', 'ClusterRoleBinding', '', binding.roleRef, bindingAppliesTo(binding.subjects, user, ''), visit, errors)) return errors;
    }
    if (!namespace) return errors;
    for (const binding of this.policy.roleBindings(namespace)) {
      if (this.visitBinding(binding.metadata.name ?? '', 'RoleBinding', namespace, binding.roleRef, bindingAppliesTo(binding.subjects, user, namespace), visit, errors)) return errors;
    }
    return errors;
  }

  /** Every rule the user holds in the namespace ('' for cluster-wide only), and the errors. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors = this.visitRulesFor(user, namespace, (_source, rule) => {
      rules.push(rule);
      return false;
    });
    return { rules, errors };
  }

  private visitBinding(
    name: string, bindingKind: RuleSource['bindingKind'], bindingNamespace: string, roleRef: RoleRef, subject: Subject | undefined, visit: RuleVisitor, errors: string[],
  ): boolean {
    if (!subject) return false;
    const resolved = this.rulesOfRef(roleRef, bindingNamespace);
    if ('error' in resolved) {
      errors.push(resolved.error);
      return false;
    }
    const source: RuleSource = { binding: name, bindingKind, bindingNamespace, roleRef, subject };
    return resolved.rules.some((rule) => visit(source, rule));
  }
}
