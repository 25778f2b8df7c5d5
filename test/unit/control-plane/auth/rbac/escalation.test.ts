import { strict as assert } from 'node:assert';
import { isApiError } from '../../../../../api/errors';
import type { ClusterRole, Role, RoleBinding } from '../../../../../api/rbac-v1';
import { privilegedGroupsAuthorizer, unionAuthorizer } from '../../../../../control-plane/auth/authorizer';
import { checkBindingWrite, checkRoleWrite } from '../../../../../control-plane/auth/rbac/escalation';
import { rbacAuthorizer } from '../../../../../control-plane/auth/rbac/rbac-authorizer';
import { staticPolicy } from '../../../../../control-plane/auth/rbac/rbac-policy';
import { RuleResolver } from '../../../../../control-plane/auth/rbac/rule-resolver';
import type { Requester } from '../../../../../control-plane/auth/requester';

const G = 'rbac.authorization.k8s.io';
const podAdmin: Role = { metadata: { namespace: 'team', name: 'pod-admin' }, rules: [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }] };
const binder: ClusterRole = { metadata: { name: 'binder' }, rules: [{ verbs: ['bind'], apiGroups: [G], resources: ['clusterroles'], resourceNames: ['secret-reader'] }, { verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['bob'] }] };
const powerful: ClusterRole = { metadata: { name: 'powerful' }, rules: [{ verbs: ['delete'], apiGroups: [''], resources: ['nodes'] }] };
const secretReader: ClusterRole = { metadata: { name: 'secret-reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] };
const bindings: RoleBinding[] = [
  { metadata: { namespace: 'team', name: 'a' }, roleRef: { apiGroup: G, kind: 'Role', name: 'pod-admin' }, subjects: [{ apiGroup: G, kind: 'User', name: 'alice' }] },
];
const clusterBindings: RoleBinding[] = [{ metadata: { name: 'b' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'binder' }, subjects: [{ apiGroup: G, kind: 'User', name: 'alice' }] }];
const rules = new RuleResolver(staticPolicy({ roles: [podAdmin], clusterRoles: [binder, secretReader, powerful], roleBindings: bindings, clusterRoleBindings: clusterBindings }));
const authorizer = unionAuthorizer([privilegedGroupsAuthorizer(['system:masters']), rbacAuthorizer(rules)]);
const alice: Requester = { user: { name: 'alice', groups: ['system:authenticated'] }, authorizer, rules };

function forbiddenBy(fn: () => void): string {
  try {
    fn();
  } catch (err: unknown) {
    if (isApiError(err, 'Forbidden')) return err.message;
    throw err;
  }
  return 'allowed';
}

describe('RBAC escalation prevention', () => {
  it('lets a user create a role with rules they hold in its namespace only', () => {
    const role = (namespace: string, resources: string[]): Role => ({ metadata: { namespace, name: 'r' }, rules: [{ verbs: ['get'], apiGroups: [''], resources }] });
    assert.equal(forbiddenBy(() => checkRoleWrite('roles', alice, role('team', ['pods']), undefined)), 'allowed');
    assert.match(forbiddenBy(() => checkRoleWrite('roles', alice, role('other', ['pods']), undefined)), /attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["get"\]\}/);
    assert.match(forbiddenBy(() => checkRoleWrite('roles', alice, role('team', ['secrets']), undefined)), /^roles\.rbac\.authorization\.k8s\.io "r" is forbidden: user "alice" \(groups=\["system:authenticated"\]\)/);
  });

  it('keeps aggregationRule for those who may escalate', () => {
    const aggregated: ClusterRole = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } };
    assert.match(forbiddenBy(() => checkRoleWrite('clusterroles', alice, aggregated, undefined)), /must have cluster-admin privileges to use the aggregationRule/);
    const admin: Requester = { ...alice, user: { name: 'root', groups: ['system:masters'] } };
    assert.equal(forbiddenBy(() => checkRoleWrite('clusterroles', admin, aggregated, undefined)), 'allowed');
  });

  it('lets a user bind a role they hold, or one they may bind by name, and nothing else', () => {
    const binding = (role: string): RoleBinding => ({ metadata: { namespace: 'team', name: 'x' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: G, kind: 'User', name: 'bob' }] });
    assert.equal(forbiddenBy(() => checkBindingWrite('rolebindings', alice, binding('secret-reader'), undefined)), 'allowed');
    assert.equal(forbiddenBy(() => checkBindingWrite('rolebindings', alice, binding('binder'), undefined)), 'allowed');
    assert.match(forbiddenBy(() => checkBindingWrite('rolebindings', alice, binding('powerful'), undefined)), /not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["delete"\]\}/);
    assert.match(forbiddenBy(() => checkBindingWrite('rolebindings', alice, binding('missing'), undefined)), /clusterrole\.rbac\.authorization\.k8s\.io "missing" not found/);
  });
});
