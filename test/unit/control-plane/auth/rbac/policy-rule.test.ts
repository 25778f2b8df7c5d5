import { strict as assert } from 'node:assert';
import type { PolicyRule } from '../../../../../api/rbac-v1';
import type { RequestAttributes } from '../../../../../control-plane/auth/authorizer';
import { ruleAllows } from '../../../../../control-plane/auth/rbac/policy-rule';

const user = { name: 'alice', groups: ['system:authenticated'] };

function resource(verb: string, apiGroup: string, res: string, extra: Partial<RequestAttributes> = {}): RequestAttributes {
  return { user, verb, resourceRequest: true, path: '', apiGroup, apiVersion: 'v1', resource: res, subresource: '', namespace: 'default', name: '', ...extra };
}

function path(verb: string, p: string): RequestAttributes {
  return { user, verb, resourceRequest: false, path: p, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

describe('RBAC rule matching (RuleAllows)', () => {
  const cases: [string, PolicyRule, RequestAttributes, boolean][] = [
    ['exact verb, group and resource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, resource('get', '', 'pods'), true],
    ['another verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, resource('list', '', 'pods'), false],
    ['another group', { verbs: ['get'], apiGroups: [''], resources: ['deployments'] }, resource('get', 'apps', 'deployments'), false],
    ['wildcard verb', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, resource('deletecollection', '', 'pods'), true],
    ['wildcard group and resource', { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, resource('get', 'apps', 'deployments'), true],
    ['a resource rule does not cover its subresources', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, resource('get', '', 'pods', { subresource: 'log' }), false],
    ['pods/log covers the log subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, resource('get', '', 'pods', { subresource: 'log' }), true],
    ['pods/log does not cover pods', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, resource('get', '', 'pods'), false],
    ['*/scale covers any scale subresource', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, resource('update', 'apps', 'deployments', { subresource: 'scale' }), true],
    ['*/scale does not cover status', { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }, resource('update', 'apps', 'deployments', { subresource: 'status' }), false],
    ['* covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, resource('get', '', 'pods', { subresource: 'log' }), true],
    ['resourceNames: the named object', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, resource('get', '', 'pods', { name: 'web' }), true],
    ['resourceNames: another object', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, resource('get', '', 'pods', { name: 'db' }), false],
    ['resourceNames: a list names no object', { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, resource('list', '', 'pods'), false],
    ['a resource rule never covers a path', { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, path('get', '/healthz'), false],
    ['exact non-resource URL', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, path('get', '/healthz'), true],
    ['non-resource URL is not a prefix', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, path('get', '/healthz/etcd'), false],
    ['non-resource URL with a * suffix is a prefix', { verbs: ['get'], nonResourceURLs: ['/healthz*'] }, path('get', '/healthz/etcd'), true],
    ['non-resource * covers every path', { verbs: ['get'], nonResourceURLs: ['*'] }, path('get', '/metrics'), true],
    ['non-resource verb must match', { verbs: ['get'], nonResourceURLs: ['*'] }, path('post', '/metrics'), false],
    ['a URL rule never covers a resource', { verbs: ['*'], nonResourceURLs: ['*'] }, resource('get', '', 'pods'), false],
  ];
  for (const [what, rule, attributes, allowed] of cases) {
    it(`${what}: ${allowed ? 'allowed' : 'not allowed'}`, () => assert.equal(ruleAllows(attributes, rule), allowed));
  }
});
