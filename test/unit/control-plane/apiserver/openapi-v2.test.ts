import { strict as assert } from 'node:assert';
import { buildOpenApiV3 } from '../../../../control-plane/apiserver/openapi';
import { buildSwagger } from '../../../../control-plane/apiserver/openapi-v2';
import { encodeSwaggerProtobuf } from '../../../../control-plane/apiserver/openapi-v2-protobuf';
import { readFields, type WireField } from '../../../../control-plane/apiserver/protobuf/proto-reader';
import { defaultStrategy } from '../../../../control-plane/registry/default-strategy';
import { defineKind, type ResourceDefinition } from '../../../../control-plane/registry/resource-definition';

function resource(group: string, plural: string, kind: string, verbs: string[]): ResourceDefinition {
  const strategy = defaultStrategy({ topLevelFields: [], hasStatus: true });
  return defineKind({ group, version: 'v1', resource: plural, singularName: kind.toLowerCase(), kind, listKind: `${kind}List`, namespaced: group !== 'authentication.k8s.io', verbs, strategy, subresources: {} });
}

const RESOURCES = [
  resource('apps', 'deployments', 'Deployment', ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
  resource('authentication.k8s.io', 'tokenreviews', 'TokenReview', ['create']),
];

const DEPLOYMENT_ITEM = '/apis/apps/v1/namespaces/{namespace}/deployments/{name}';

/** The fields numbered `n` of a message, as nested messages or strings. */
function fields(message: Buffer, n: number): Buffer[] {
  return readFields(message).filter((f: WireField) => f.number === n).map((f) => (f.value.wireType === 2 ? f.value.bytes : Buffer.alloc(0)));
}

function text(message: Buffer, n: number): string | undefined {
  return fields(message, n)[0]?.toString('utf8');
}

/** The value of the Named* entry called `name` in a repeated field `n`. */
function namedValue(message: Buffer, n: number, name: string): Buffer | undefined {
  const entry = fields(message, n).find((e) => text(e, 1) === name);
  return entry && fields(entry, 2)[0];
}

describe('OpenAPI v2 (/openapi/v2)', () => {
  const swagger = buildSwagger(buildOpenApiV3(RESOURCES));

  it('lists every operation with its flat query parameters and the kind it acts on', () => {
    const patch = swagger.paths[DEPLOYMENT_ITEM].patch;
    assert.ok(patch, 'the deployment has a patch operation');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    const fieldValidation = patch.parameters?.find((p) => p.name === 'fieldValidation');
    assert.deepEqual([fieldValidation?.in, fieldValidation?.type], ['query', 'string']);
    assert.ok(patch.consumes?.includes('application/merge-patch+json'));
    assert.deepEqual(swagger.paths[DEPLOYMENT_ITEM].parameters?.map((p) => [p.name, p.in, p.required]), [['name', 'path', true], ['namespace', 'path', true], ['pretty', 'query', undefined]]);
  });

  it('offers no patch for a create-only kind and describes no schemas', () => {
    assert.equal(swagger.paths['/apis/authentication.k8s.io/v1/tokenreviews'].post?.operationId, 'createAuthenticationV1TokenReview');
    assert.equal(Object.values(swagger.paths).some((item) => item.patch?.['x-kubernetes-group-version-kind'] && (item.patch['x-kubernetes-group-version-kind'] as { kind: string }).kind === 'TokenReview'), false);
    assert.deepEqual(swagger.definitions, {});
  });

  it('encodes as gnostic protobuf, where kubectl finds the patch parameters of a kind', () => {
    const doc = encodeSwaggerProtobuf(swagger);
    assert.equal(text(doc, 1), '2.0');
    assert.equal(text(fields(doc, 2)[0], 2), 'v1.32.0');
    const item = namedValue(fields(doc, 8)[0], 2, DEPLOYMENT_ITEM);
    assert.ok(item, 'the deployment path is in the protobuf document');
    const patch = fields(item, 8)[0];
    const gvk = namedValue(patch, 13, 'x-kubernetes-group-version-kind');
    assert.deepEqual(JSON.parse(text(gvk!, 2)!), { group: 'apps', version: 'v1', kind: 'Deployment' });
    const queryNames = fields(patch, 8).map((p) => fields(fields(fields(p, 1)[0], 2)[0], 3)[0]).filter((q) => q !== undefined).map((q) => text(q, 4));
    assert.deepEqual(queryNames, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  });
});
