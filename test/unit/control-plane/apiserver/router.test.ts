import { strict as assert } from 'node:assert';
import { KINDS } from '../../../../control-plane/registry/kinds';
import { route, type Route } from '../../../../control-plane/apiserver/router';

function target(path: string) {
  const r: Route = route(path, KINDS);
  assert.equal(r.type, 'resource', `${path} → ${r.type}`);
  const t = (r as Extract<Route, { type: 'resource' }>).target;
  return { resource: t.info.resource, namespace: t.namespace, name: t.name, subresource: t.subresource, watchPath: t.watchPath };
}

describe('API routing', () => {
  it('reads namespaced, cluster-scoped and all-namespaces resource paths', () => {
    assert.deepEqual(target('/api/v1/namespaces/default/pods/web'), { resource: 'pods', namespace: 'default', name: 'web', subresource: undefined, watchPath: false });
    assert.deepEqual(target('/api/v1/nodes/pi1'), { resource: 'nodes', namespace: undefined, name: 'pi1', subresource: undefined, watchPath: false });
    assert.deepEqual(target('/api/v1/pods'), { resource: 'pods', namespace: undefined, name: undefined, subresource: undefined, watchPath: false });
  });

  it('reads subresources, including those of namespaces themselves', () => {
    assert.equal(target('/api/v1/namespaces/default/pods/web/status').subresource, 'status');
    assert.equal(target('/api/v1/namespaces/default/pods/web/binding').subresource, 'binding');
    assert.deepEqual(target('/api/v1/namespaces/t1/finalize'), { resource: 'namespaces', namespace: undefined, name: 't1', subresource: 'finalize', watchPath: false });
    assert.deepEqual(target('/api/v1/namespaces/t1/status'), { resource: 'namespaces', namespace: undefined, name: 't1', subresource: 'status', watchPath: false });
  });

  it('treats namespaces/{ns}/bindings as the namespaced bindings collection', () => {
    assert.deepEqual(target('/api/v1/namespaces/default/bindings'), { resource: 'bindings', namespace: 'default', name: undefined, subresource: undefined, watchPath: false });
  });

  it('understands the legacy /watch/ prefix', () => {
    assert.equal(target('/api/v1/watch/namespaces/default/pods').watchPath, true);
    assert.equal(target('/api/v1/watch/pods').namespace, undefined);
  });

  it('routes discovery, version, health and OpenAPI paths', () => {
    assert.deepEqual(route('/api', KINDS), { type: 'api' });
    assert.deepEqual(route('/apis', KINDS), { type: 'apis' });
    assert.deepEqual(route('/api/v1', KINDS), { type: 'resourceList', group: '', version: 'v1' });
    assert.deepEqual(route('/version', KINDS), { type: 'version' });
    assert.deepEqual(route('/readyz/etcd', KINDS), { type: 'health', check: 'readyz', single: 'etcd' });
    assert.deepEqual(route('/openapi/v3/api/v1', KINDS), { type: 'openapiV3', path: 'api/v1' });
    assert.deepEqual(route('/openapi/v2', KINDS), { type: 'openapiV2' });
  });

  it('finds nothing for unknown resources, unserved groups and impossible shapes', () => {
    for (const path of ['/api/v1/namespaces/default/foos', '/apis/apps/v1/widgets', '/apis/storage.k8s.io/v1beta1/storageclasses', '/api/v2/pods', '/api/v1/namespaces/default/nodes/pi1',
      '/api/v1/pods/web', '/api/v1/namespaces/default/pods/web/logs', '/api/v1/namespaces/default/pods/a/b/c', '/foo']) {
      assert.deepEqual(route(path, KINDS), { type: 'notFound' }, path);
    }
  });
  it('refuses names and namespaces that are not one path segment instead of resolving dot segments', () => {
    const cases: [string, string][] = [
      ['/api/v1/namespaces/x/pods/.', 'Name parameter invalid: ".": may not be \'.\''],
      ['/api/v1/namespaces/x/pods/%2e', 'Name parameter invalid: ".": may not be \'.\''],
      ['/api/v1/namespaces/x/services/%2E%2e', 'Name parameter invalid: "..": may not be \'..\''],
      ['/api/v1/nodes/..', 'Name parameter invalid: "..": may not be \'..\''],
      ['/api/v1/namespaces/x/pods/a%2Fb', 'Name parameter invalid: "a/b": may not contain \'/\''],
      ['/api/v1/namespaces/x/pods/a%25b', 'Name parameter invalid: "a%b": may not contain \'%\''],
      ['/api/v1/namespaces/%2e%2e/pods', 'Namespace parameter invalid: "..": may not be \'..\''],
      ['/api/v1/namespaces/%2e', 'Name parameter invalid: ".": may not be \'.\''],
    ];
    for (const [path, message] of cases) assert.deepEqual(route(path, KINDS), { type: 'badRequest', message }, path);
  });

  it('drops slashes at the ends of a path but finds nothing for an empty segment inside it', () => {
    assert.equal(route('/api/v1/namespaces/x/pods/', KINDS).type, 'resource');
    assert.equal(target('/api/v1/namespaces/x/pods/').name, undefined);
    assert.deepEqual(route('/api/v1/namespaces/x/pods//web', KINDS), { type: 'notFound' });
    assert.deepEqual(route('/api/v1/namespaces//pods', KINDS), { type: 'notFound' });
  });
});
