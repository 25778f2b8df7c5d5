import { strict as assert } from 'node:assert';
import { requestAttributes } from '../../../../control-plane/auth/request-attributes';
import { forbidden } from '../../../../control-plane/auth/forbidden';

const alice = { name: 'alice', groups: ['system:authenticated'] };

function attrs(method: string, url: string): Record<string, unknown> {
  const [p, q = ''] = url.split('?');
  const { user: _user, ...rest } = requestAttributes(alice, method, p, new URLSearchParams(q));
  return rest;
}

describe('request attributes (RequestInfoFactory)', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['GET', '/api/v1/namespaces/default/pods', { verb: 'list', resource: 'pods', namespace: 'default', name: '', apiGroup: '' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=true', { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/watch/namespaces/default/pods/web', { verb: 'watch', resource: 'pods', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb', { verb: 'list', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods/web/log', { verb: 'get', resource: 'pods', subresource: 'log', name: 'web' }],
    ['POST', '/api/v1/namespaces/default/pods', { verb: 'create', resource: 'pods', name: '' }],
    ['PUT', '/apis/apps/v1/namespaces/x/deployments/d/scale', { verb: 'update', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', subresource: 'scale', name: 'd', namespace: 'x' }],
    ['PATCH', '/api/v1/nodes/pi1', { verb: 'patch', resource: 'nodes', name: 'pi1', namespace: '' }],
    ['DELETE', '/api/v1/namespaces/default/pods', { verb: 'deletecollection', resource: 'pods' }],
    ['DELETE', '/api/v1/namespaces/default/pods/web', { verb: 'delete', name: 'web' }],
    ['GET', '/api/v1/namespaces/team', { verb: 'get', resource: 'namespaces', name: 'team', namespace: 'team' }],
    ['PUT', '/api/v1/namespaces/team/finalize', { verb: 'update', resource: 'namespaces', name: 'team', subresource: 'finalize', namespace: 'team' }],
    ['GET', '/api/v1/pods', { verb: 'list', resource: 'pods', namespace: '' }],
    ['GET', '/apis', { resourceRequest: false, verb: 'get', path: '/apis' }],
    ['GET', '/apis/apps/v1', { resourceRequest: false, path: '/apis/apps/v1' }],
    ['GET', '/api/v1', { resourceRequest: false, path: '/api/v1' }],
    ['POST', '/openapi/v3', { resourceRequest: false, verb: 'post' }],
  ];
  for (const [method, url, expected] of cases) {
    it(`${method} ${url}`, () => {
      const got = attrs(method, url);
      for (const [k, v] of Object.entries(expected)) assert.equal(got[k], v, k);
    });
  }

  it('words Forbidden as the apiserver does', () => {
    const a = requestAttributes(alice, 'GET', '/apis/apps/v1/namespaces/default/deployments/web', new URLSearchParams());
    const err = forbidden(a, '');
    assert.equal(err.message, 'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "default"');
    assert.deepEqual(err.subject, { kind: 'deployments', group: 'apps', name: 'web' });
    const nonResource = forbidden(requestAttributes(alice, 'GET', '/metrics', new URLSearchParams()), 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
    assert.equal(nonResource.message, 'forbidden: User "alice" cannot get path "/metrics": RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
    const cluster = forbidden(requestAttributes(alice, 'GET', '/api/v1/nodes', new URLSearchParams()), '');
    assert.equal(cluster.message, 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
  });

  it('carries the field selector of a list or watch, and none that does not parse', () => {
    const q = (selector: string): URLSearchParams => new URLSearchParams({ fieldSelector: selector, watch: 'true' });
    const watch = requestAttributes(alice, 'GET', '/api/v1/pods', q('spec.nodeName=pi-a,status.phase!=Failed'));
    assert.equal(watch.verb, 'watch');
    assert.deepEqual(watch.fieldSelector, [{ field: 'spec.nodeName', operator: '=', value: 'pi-a' }, { field: 'status.phase', operator: '!=', value: 'Failed' }]);
    assert.equal(requestAttributes(alice, 'GET', '/api/v1/pods', q('no operator')).fieldSelector, undefined);
    assert.equal(requestAttributes(alice, 'GET', '/api/v1/namespaces/default/pods/web', q('spec.nodeName=pi-a')).fieldSelector, undefined, 'a get has none');
  });
});
