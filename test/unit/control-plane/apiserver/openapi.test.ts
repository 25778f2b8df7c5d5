import { strict as assert } from 'node:assert';
import { buildOpenApiV3 } from '../../../../control-plane/apiserver/openapi';
import { defaultStrategy } from '../../../../control-plane/registry/default-strategy';
import { defineKind, type ResourceDefinition } from '../../../../control-plane/registry/resource-definition';
import type { Subresource } from '../../../../control-plane/registry/subresource';

const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** OpenAPI reads only the names of the subresources; their handlers do not matter here. */
function resource(group: string, version: string, plural: string, kind: string, namespaced: boolean, subresources: string[] = []): ResourceDefinition {
  const strategy = defaultStrategy({ topLevelFields: [], hasStatus: true });
  const table: Record<string, Subresource> = Object.fromEntries(subresources.map((s) => [s, { type: 'status', verbs: ['get'] }]));
  return defineKind({ group, version, resource: plural, singularName: kind.toLowerCase(), kind, listKind: `${kind}List`, namespaced, verbs: READ_WRITE, strategy, subresources: table });
}

const RESOURCES: ResourceDefinition[] = [
  resource('', 'v1', 'pods', 'Pod', true, ['status', 'binding', 'eviction', 'log', 'exec']),
  resource('', 'v1', 'nodes', 'Node', false, ['status']),
  resource('', 'v1', 'namespaces', 'Namespace', false, ['status', 'finalize']),
  resource('', 'v1', 'configmaps', 'ConfigMap', true),
  resource('apps', 'v1', 'deployments', 'Deployment', true, ['status', 'scale']),
  resource('batch', 'v1', 'cronjobs', 'CronJob', true, ['status']),
  resource('example.com', 'v1', 'widgets', 'Widget', true),
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function documentOf(path: string): Json {
  const doc = buildOpenApiV3(RESOURCES).document(path);
  assert.ok(doc, `no document for ${path}`);
  return JSON.parse(doc.body) as Json;
}

/** Every patch operation of a document, with its path. */
function patchOperations(doc: Json): [string, Json][] {
  return Object.entries(doc.paths as Json).filter(([, item]) => item.patch).map(([path, item]) => [path, item.patch]);
}

describe('OpenAPI v3', () => {
  it('indexes one document per group-version, addressed by a content hash', () => {
    const index = buildOpenApiV3(RESOURCES).index();
    assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/example.com/v1']);
    assert.match(index.paths['api/v1'].serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('gives the same hashes for the same resources, whatever their order', () => {
    const a = buildOpenApiV3(RESOURCES).index();
    const b = buildOpenApiV3([...RESOURCES].reverse()).index();
    assert.deepEqual(a, b);
    const c = buildOpenApiV3(RESOURCES.slice(1)).index();
    assert.notEqual(c.paths['api/v1'].serverRelativeURL, a.paths['api/v1'].serverRelativeURL);
  });

  it('answers no document for an unknown group-version', () => {
    assert.equal(buildOpenApiV3(RESOURCES).document('apis/nope/v1'), undefined);
  });

  it('gives every patch operation the GVK extension and the fieldValidation and dryRun parameters', () => {
    for (const path of ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/example.com/v1']) {
      const patches = patchOperations(documentOf(path));
      assert.ok(patches.length > 0, path);
      for (const [p, op] of patches) {
        const gvk = op['x-kubernetes-group-version-kind'];
        assert.ok(gvk && typeof gvk.kind === 'string' && typeof gvk.version === 'string' && typeof gvk.group === 'string', p);
        assert.equal(op['x-kubernetes-action'], 'patch', p);
        const params = (op.parameters as Json[]).filter((q) => q.in === 'query').map((q) => q.name);
        assert.ok(params.includes('fieldValidation') && params.includes('dryRun'), p);
      }
    }
  });

  it('has a patch operation for each kind on its named path, offering strategic merge for built-in kinds only', () => {
    const core = documentOf('api/v1');
    const podPatch = core.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    assert.deepEqual(podPatch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
    assert.ok('application/strategic-merge-patch+json' in podPatch.requestBody.content);
    const nodePatch = core.paths['/api/v1/nodes/{name}'].patch;
    assert.deepEqual(nodePatch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Node' });
    const widgetPatch = documentOf('apis/example.com/v1').paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
    assert.deepEqual(Object.keys(widgetPatch.requestBody.content).sort(),
      ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
  });

  it('serves list, create, get, replace, delete and list-all paths for explain', () => {
    const apps = documentOf('apis/apps/v1');
    const collection = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
    assert.deepEqual(Object.keys(collection).sort(), ['delete', 'get', 'parameters', 'post']);
    assert.equal(collection.get['x-kubernetes-action'], 'list');
    assert.equal(collection.post['x-kubernetes-action'], 'post');
    const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
    assert.ok(apps.paths['/apis/apps/v1/deployments'].get);
    assert.deepEqual(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch['x-kubernetes-group-version-kind'],
      { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('publishes each kind schema with its GVK and real top-level fields', () => {
    const schemas = documentOf('api/v1').components.schemas;
    const pod = schemas['io.k8s.api.core.v1.Pod'];
    assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
    assert.deepEqual(Object.keys(pod.properties).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual(schemas['io.k8s.api.core.v1.ConfigMap'].properties.data, { type: 'object', additionalProperties: { type: 'string' } });
    assert.deepEqual(schemas['io.k8s.api.core.v1.Binding']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Binding' }]);
  });

  it('publishes the merge keys and strategies that the strategic merge patch applies', () => {
    const schemas = documentOf('api/v1').components.schemas;
    const spec = schemas['io.k8s.api.core.v1.PodSpec'].properties;
    assert.equal(spec.containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(spec.containers['x-kubernetes-patch-strategy'], 'merge');
    assert.deepEqual(spec.containers.items, { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }], default: {} });
    assert.equal(spec.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
    assert.equal(spec.tolerations['x-kubernetes-patch-merge-key'], undefined);
    const container = schemas['io.k8s.api.core.v1.Container'].properties;
    assert.equal(container.env['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(container.ports['x-kubernetes-patch-merge-key'], 'containerPort');
    assert.equal(container.volumeMounts['x-kubernetes-patch-merge-key'], 'mountPath');
    assert.deepEqual(container.image, { type: 'string' });
    assert.deepEqual(container.args, { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' });
    const meta = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties;
    assert.equal(meta.finalizers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(meta.ownerReferences['x-kubernetes-patch-merge-key'], 'uid');
  });

  it('resolves every schema reference inside its own document', () => {
    for (const path of ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/example.com/v1']) {
      const body = buildOpenApiV3(RESOURCES).document(path)!.body;
      const schemas = (JSON.parse(body) as Json).components.schemas;
      for (const [, name] of body.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) assert.ok(schemas[name], `${path}: ${name}`);
    }
  });

  it('describes kinds outside the field model by their top-level fields, keeping the others', () => {
    const widget = documentOf('apis/example.com/v1').components.schemas['com.example.v1.Widget'];
    assert.deepEqual(widget['x-kubernetes-group-version-kind'], [{ group: 'example.com', version: 'v1', kind: 'Widget' }]);
    assert.equal(widget['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(Object.keys(widget.properties), ['apiVersion', 'kind', 'metadata']);
  });
});
