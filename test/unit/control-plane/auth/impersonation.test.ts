import { strict as assert } from 'node:assert';
import type { ClusterRole, RoleBinding } from '../../../../api/rbac-v1';
import { privilegedGroupsAuthorizer, unionAuthorizer } from '../../../../control-plane/auth/authorizer';
import { impersonate } from '../../../../control-plane/auth/impersonation';
import { rbacAuthorizer } from '../../../../control-plane/auth/rbac/rbac-authorizer';
import { staticPolicy } from '../../../../control-plane/auth/rbac/rbac-policy';
import { RuleResolver } from '../../../../control-plane/auth/rbac/rule-resolver';

const G = 'rbac.authorization.k8s.io';
const impersonator: ClusterRole = { metadata: { name: 'impersonator' }, rules: [{ verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['bob'] }] };
const bindings: RoleBinding[] = [{ metadata: { name: 'b' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'impersonator' }, subjects: [{ apiGroup: G, kind: 'User', name: 'alice' }] }];
const authorizer = unionAuthorizer([privilegedGroupsAuthorizer(['system:masters']), rbacAuthorizer(new RuleResolver(staticPolicy({ clusterRoles: [impersonator], clusterRoleBindings: bindings })))]);
const alice = { user: { name: 'alice', groups: ['system:authenticated'] } };

describe('impersonation', () => {
  const single = (headers: Record<string, string | string[]>): Record<string, string[]> => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));

  it('acts as a user the actor may impersonate, in system:authenticated', () => {
    assert.deepEqual(impersonate(single({ 'impersonate-user': 'bob' }), alice.user, authorizer), { name: 'bob', groups: ['system:authenticated'] });
  });

  it('needs impersonate on each user and group, and a user for any group', () => {
    assert.throws(() => impersonate(single({ 'impersonate-user': 'carol' }), alice.user, authorizer), /users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/);
    assert.throws(() => impersonate(single({ 'impersonate-user': 'bob', 'impersonate-group': ['devs'] }), alice.user, authorizer), /groups "devs" is forbidden/);
    assert.throws(() => impersonate(single({ 'impersonate-group': 'devs' }), alice.user, authorizer), /without impersonating a user/);
    assert.throws(() => impersonate(single({ 'impersonate-user': 'bob', 'impersonate-extra-scopes': 'x' }), alice.user, authorizer), /not supported/);
  });

  it('impersonates a service account through serviceaccounts, with its groups', () => {
    const root = { name: 'root', groups: ['system:masters'] };
    assert.deepEqual(impersonate(single({ 'impersonate-user': 'system:serviceaccount:team:robot' }), root, authorizer).groups, ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated']);
    assert.throws(() => impersonate(single({ 'impersonate-user': 'system:serviceaccount:team:robot' }), alice.user, authorizer), /serviceaccounts "robot" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "team"/);
  });
});
