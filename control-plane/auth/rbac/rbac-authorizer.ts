/**
 * RBAC (plugin/pkg/auth/authorizer/rbac): allows a request when a rule the user holds in the
 * request's namespace covers it; otherwise has no opinion (RBAC never denies), with the missing
 * roles met as the reason (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
 */
import type { AuthorizationResult, Authorizer, RequestAttributes } from '../authorizer';
import { ruleAllows } from './policy-rule';
import type { RuleResolver, RuleSource } from './rule-resolver';

function describeSubject(source: RuleSource): string {
  const s = source.subject;
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace || source.bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

/** `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "alice"`. */
function allowedBy(source: RuleSource): string {
  const binding = source.bindingKind === 'RoleBinding' ? `${source.binding}/${source.bindingNamespace}` : source.binding;
  return `RBAC: allowed by ${source.bindingKind} "${binding}" of ${source.roleRef.kind} "${source.roleRef.name}" to ${describeSubject(source)}`;
}

/** utilerrors.NewAggregate's text. */
function aggregate(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

export function rbacAuthorizer(resolver: RuleResolver): Authorizer {
  return {
    authorize(a: RequestAttributes): AuthorizationResult {
      let allowed: RuleSource | undefined;
      const errors = resolver.visitRulesFor(a.user, a.namespace, (source, rule) => {
        if (!ruleAllows(a, rule)) return false;
        allowed = source;
        return true;
      });
      if (allowed) return { decision: 'allow', reason: allowedBy(allowed) };
      return { decision: 'noOpinion', reason: errors.length > 0 ? `RBAC: ${aggregate(errors)}` : '' };
    },
  };
}
