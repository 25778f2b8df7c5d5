/**
 * RBAC's escalation prevention (pkg/registry/rbac, "policybased" storage): a user may create
 * or change a Role or ClusterRole only with rules they hold themselves in its namespace (or the
 * whole cluster), unless they may `escalate` it; may bind a role only if they hold its rules,
 * unless they may `bind` it; and only `system:masters` or `escalate` may set an
 * aggregationRule. Refusals are 403 Forbidden as Kubernetes words them.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
 */
import { ApiError } from '../../../api/errors';
import { RBAC_GROUP, type ClusterRole, type PolicyRule, type RoleBinding, type RoleRef } from '../../../api/rbac-v1';
import { semanticEqual } from '../../../api/semantic-equality';
import type { RequestAttributes } from '../authorizer';
import { SYSTEM_MASTERS, type Requester } from '../requester';
import { compactRule, uncoveredRules } from './rule-coverage';

function forbiddenObject(resource: string, name: string, message: string): ApiError {
  return new ApiError('Forbidden', `${resource}.${RBAC_GROUP} "${name}" is forbidden: ${message}`, { kind: resource, group: RBAC_GROUP, name });
}

function mayDo(requester: Requester, verb: string, resource: string, namespace: string, name: string): boolean {
  if (requester.user.groups.includes(SYSTEM_MASTERS)) return true;
  const attributes: RequestAttributes = {
    user: requester.user, verb, resourceRequest: true, path: '', apiGroup: RBAC_GROUP, apiVersion: '*', resource, subresource: '', namespace, name,
  };
  return requester.authorizer.authorize(attributes).decision === 'allow';
}

/** ConfirmNoEscalation: the requester's own rules in `namespace` must cover `rules`. */
function confirmNoEscalation(requester: Requester, resource: string, name: string, namespace: string, rules: readonly PolicyRule[]): void {
  const owned = requester.rules.rulesFor(requester.user, namespace);
  const missing = uncoveredRules(owned.rules, rules);
  if (missing.length === 0) return;
  const groups = `[${requester.user.groups.map((g) => JSON.stringify(g)).join(' ')}]`;
  let message = `user "${requester.user.name}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compactRule).join('\n')}`;
  if (owned.errors.length > 0) message += `; resolution errors: [${owned.errors.join(', ')}]`;
  throw forbiddenObject(resource, name, message);
}

/** A Role or ClusterRole about to be written by `requester`; `old` for an update. */
export function checkRoleWrite(resource: 'roles' | 'clusterroles', requester: Requester, role: ClusterRole, old: ClusterRole | undefined): void {
  const name = role.metadata.name ?? '';
  const namespace = role.metadata.namespace ?? '';
  if (mayDo(requester, 'escalate', resource, namespace, name)) return;
  const aggregation = role.aggregationRule;
  if (aggregation !== undefined && !semanticEqual(aggregation, old?.aggregationRule)) {
    throw forbiddenObject(resource, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
  if (old && semanticEqual((role.rules ?? []), (old.rules ?? []))) return;
  confirmNoEscalation(requester, resource, name, namespace, role.rules ?? []);
}

function roleResource(ref: RoleRef): string {
  return ref.kind === 'Role' ? 'roles' : 'clusterroles';
}

/** A RoleBinding or ClusterRoleBinding about to be written by `requester` (its roleRef never changes). */
export function checkBindingWrite(resource: 'rolebindings' | 'clusterrolebindings', requester: Requester, binding: RoleBinding, old: RoleBinding | undefined): void {
  const name = binding.metadata.name ?? '';
  const namespace = binding.metadata.namespace ?? '';
  if (old && semanticEqual(binding.subjects, old.subjects)) return;
  if (mayDo(requester, 'bind', roleResource(binding.roleRef), namespace, binding.roleRef.name)) return;
  const resolved = requester.rules.rulesOfRef(binding.roleRef, namespace);
  if ('error' in resolved) throw forbiddenObject(resource, name, resolved.error);
  confirmNoEscalation(requester, resource, name, namespace, resolved.rules);
}
