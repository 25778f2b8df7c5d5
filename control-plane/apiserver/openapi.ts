/**
 * The OpenAPI v3 documents the apiserver serves under /openapi/v3: an index of group-versions
 * and one document per group-version, with what kubectl 1.32 reads from them:
 * - apply (client-side): the patch operation of the kind's path, with
 *   `x-kubernetes-group-version-kind`, a `fieldValidation` query parameter and the accepted
 *   patch content types, and the kind's schema with `x-kubernetes-patch-merge-key` /
 *   `x-kubernetes-patch-strategy` (k8s.io/kubectl pkg/cmd/apply/patcher.go,
 *   k8s.io/cli-runtime query_param_verifier_v3.go);
 * - explain: an operation on the resource's path carrying the GVK, and the schema with it.
 * Documents are built once per group-version and identified by a content hash, as the
 * apiserver does, so clients cache them (`?hash=` URLs are immutable).
 */
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../registry/resource-definition';
import {
  addDefinitionClosure,
  addKindSchema,
  addKindSchemas,
  definitionNameOf,
  DELETE_OPTIONS,
  isModelledKind,
  LIST_META,
  OBJECT_META,
  listSchema,
  PATCH,
  PATCH_SCHEMA,
  schemaRef,
  STATUS,
  type GroupVersionKind,
  type JsonSchema,
} from './openapi-schemas';

/** The Kubernetes release whose API pikube serves. */
export const OPENAPI_INFO = { title: 'Kubernetes', version: 'v1.32.0' };

export interface OpenApiIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenApiDocument {
  /** The JSON text served for the group-version. */
  body: string;
  /** Content hash (upper-case hex SHA-512), used in `?hash=` and as the ETag. */
  hash: string;
}

export interface OpenApiV3 {
  /** GET /openapi/v3 */
  index(): OpenApiIndex;
  /** GET /openapi/v3/<path> with path 'api/v1' or 'apis/<group>/<version>'; undefined if unknown. */
  document(path: string): OpenApiDocument | undefined;
}

/** Builds the OpenAPI v3 documents of the served resources (subresources ride on their parent). */
export function buildOpenApiV3(resources: ResourceDefinition[]): OpenApiV3 {
  const byPath = groupByPath(resources.filter((r) => !r.resource.includes('/')));
  const documents = new Map<string, OpenApiDocument>();
  const documentOf = (path: string): OpenApiDocument | undefined => {
    const members = byPath.get(path);
    if (!members) return undefined;
    if (!documents.has(path)) documents.set(path, serialize(groupVersionDocument(members)));
    return documents.get(path);
  };
  return {
    index: () => ({
      paths: Object.fromEntries([...byPath.keys()].sort().map((path) => [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${documentOf(path)!.hash}` }])),
    }),
    document: documentOf,
  };
}

/** 'api/v1' for the core group, 'apis/<group>/<version>' otherwise. */
export function groupVersionPath(info: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
}

function groupByPath(resources: ResourceDefinition[]): Map<string, ResourceDefinition[]> {
  const byPath = new Map<string, ResourceDefinition[]>();
  for (const r of [...resources].sort((a, b) => a.resource.localeCompare(b.resource))) {
    const path = groupVersionPath(r);
    byPath.set(path, [...(byPath.get(path) ?? []), r]);
  }
  return byPath;
}

function serialize(document: JsonSchema): OpenApiDocument {
  const body = JSON.stringify(document);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

function groupVersionDocument(resources: ResourceDefinition[]): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  const paths: Record<string, JsonSchema> = {};
  for (const info of resources) {
    addResourceSchemas(schemas, info);
    Object.assign(paths, resourcePaths(info));
  }
  return {
    openapi: '3.0.0',
    info: OPENAPI_INFO,
    paths,
    components: {
      schemas: sortKeys(schemas),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

function addResourceSchemas(schemas: Record<string, JsonSchema>, info: ResourceDefinition): void {
  const gvk = kindOf(info);
  const name = addKindSchema(schemas, gvk, info.schema);
  addKindSchemas(schemas, subresourceKinds(info));
  schemas[`${name}List`] ??= listSchema(name, { ...gvk, kind: info.listKind });
  for (const shared of [OBJECT_META, LIST_META, STATUS, DELETE_OPTIONS]) addDefinitionClosure(schemas, shared);
  schemas[PATCH] = PATCH_SCHEMA;
}

function kindOf(info: ResourceDefinition): GroupVersionKind {
  return { group: info.group, version: info.version, kind: info.kind };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

// ---- subresources -----------------------------------------------------------------------

interface SubresourceShape {
  /** The operations served, as HTTP methods. */
  methods: ('get' | 'put' | 'patch' | 'post')[];
  /** The kind of the subresource's body; the parent's kind when undefined. */
  kind?: GroupVersionKind;
  /** connect for streams (exec, attach, port-forward, proxy). */
  connect?: boolean;
  /** Whether the body kind has a schema in the document. */
  schema?: boolean;
  /** Served as plain text (logs). */
  text?: boolean;
}

const SUBRESOURCES: Record<string, SubresourceShape> = {
  status: { methods: ['get', 'put', 'patch'] },
  ephemeralcontainers: { methods: ['get', 'put', 'patch'] },
  finalize: { methods: ['put'] },
  scale: { methods: ['get', 'put', 'patch'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, schema: true },
  eviction: { methods: ['post'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, schema: true },
  binding: { methods: ['post'], kind: { group: '', version: 'v1', kind: 'Binding' }, schema: true },
  token: { methods: ['post'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, schema: true },
  log: { methods: ['get'], text: true },
  exec: { methods: ['get', 'post'], kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, connect: true },
  attach: { methods: ['get', 'post'], kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, connect: true },
  portforward: { methods: ['get', 'post'], kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, connect: true },
  proxy: { methods: ['get', 'put', 'post'], kind: { group: '', version: 'v1', kind: 'PodProxyOptions' }, connect: true },
};

function subresourceKinds(info: ResourceDefinition): GroupVersionKind[] {
  return Object.keys(info.subresources).flatMap((name) => {
    const shape = SUBRESOURCES[name];
    return shape?.kind && shape.schema ? [shape.kind] : [];
  });
}

// ---- paths ------------------------------------------------------------------------------

function resourcePaths(info: ResourceDefinition): Record<string, JsonSchema> {
  const base = `/${groupVersionPath(info)}`;
  const collection = info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}` : `${base}/${info.resource}`;
  const paths: Record<string, JsonSchema> = {};
  const has = (verb: string): boolean => info.verbs.includes(verb);
  paths[collection] = withPathParameters(collectionOperations(info, has), info.namespaced, false);
  paths[`${collection}/{name}`] = withPathParameters(itemOperations(info, has), info.namespaced, true);
  if (info.namespaced && has('list')) paths[`${base}/${info.resource}`] = withPathParameters({ get: listOperation(info, true) }, false, false);
  for (const sub of Object.keys(info.subresources)) {
    const operations = subresourceOperations(info, sub);
    if (operations) paths[`${collection}/{name}/${sub}`] = withPathParameters(operations, info.namespaced, true);
  }
  return paths;
}

function collectionOperations(info: ResourceDefinition, has: (verb: string) => boolean): JsonSchema {
  const ops: JsonSchema = {};
  if (has('list')) ops.get = listOperation(info, false);
  if (has('create')) ops.post = bodyOperation(info, 'post', 'create', kindOf(info));
  if (has('deletecollection')) ops.delete = deleteCollectionOperation(info);
  return ops;
}

function itemOperations(info: ResourceDefinition, has: (verb: string) => boolean): JsonSchema {
  const ops: JsonSchema = {};
  const gvk = kindOf(info);
  if (has('get')) ops.get = readOperation(info, gvk, '');
  if (has('update')) ops.put = bodyOperation(info, 'put', 'replace', gvk);
  if (has('patch')) ops.patch = patchOperation(info, gvk, '');
  if (has('delete')) ops.delete = deleteOperation(info);
  return ops;
}

function subresourceOperations(info: ResourceDefinition, sub: string): JsonSchema | undefined {
  const shape = SUBRESOURCES[sub];
  if (!shape) return undefined;
  const gvk = shape.kind ?? kindOf(info);
  const suffix = capitalize(sub);
  const ops: JsonSchema = {};
  for (const method of shape.methods) {
    if (shape.connect) ops[method] = connectOperation(info, method, gvk, suffix);
    else if (shape.text) ops[method] = textOperation(info, gvk, suffix);
    else if (method === 'get') ops.get = readOperation(info, gvk, suffix);
    else if (method === 'patch') ops.patch = patchOperation(info, gvk, suffix);
    else ops[method] = bodyOperation(info, method, method === 'put' ? 'replace' : 'create', gvk, suffix);
  }
  return ops;
}

function withPathParameters(operations: JsonSchema, namespaced: boolean, named: boolean): JsonSchema {
  const parameters = [
    ...(named ? [pathParameter('name', 'Name of the object')] : []),
    ...(namespaced ? [pathParameter('namespace', 'Namespace holding the object')] : []),
    queryParameter('pretty', "'true' indents the JSON response", 'string'),
  ];
  return { ...operations, parameters };
}

// ---- operations -------------------------------------------------------------------------

function operationId(verb: string, info: ResourceDefinition, suffix: string, allNamespaces = false): string {
  const scope = info.namespaced && !allNamespaces ? 'Namespaced' : '';
  const forAll = allNamespaces ? 'ForAllNamespaces' : '';
  return `${verb}${groupCamel(info.group)}${capitalize(info.version)}${scope}${info.kind}${suffix}${forAll}`;
}

function groupCamel(group: string): string {
  if (!group) return 'Core';
  return group.replace(/\.k8s\.io$/, '').split('.').map(capitalize).join('');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function tag(info: ResourceDefinition): string {
  const group = info.group ? info.group.replace(/\.k8s\.io$/, '').split('.').map((p, i) => (i === 0 ? p : capitalize(p))).join('') : 'core';
  return `${group}_${info.version}`;
}

function operation(info: ResourceDefinition, action: string, gvk: GroupVersionKind, fields: JsonSchema): JsonSchema {
  return { tags: [tag(info)], ...fields, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': { ...gvk } };
}

function listOperation(info: ResourceDefinition, allNamespaces: boolean): JsonSchema {
  const list = `${definitionNameOf(kindOf(info))}List`;
  return operation(info, 'list', kindOf(info), {
    description: `list or watch objects of kind ${info.kind}`,
    operationId: operationId('list', info, '', allNamespaces),
    parameters: LIST_PARAMETERS,
    responses: okResponses(list, ['200'], true),
  });
}

function readOperation(info: ResourceDefinition, gvk: GroupVersionKind, suffix: string): JsonSchema {
  return operation(info, 'get', gvk, {
    description: `read ${suffix ? `${suffix.toLowerCase()} of ` : ''}the specified ${info.kind}`,
    operationId: operationId('read', info, suffix),
    responses: okResponses(bodySchemaName(gvk), ['200']),
  });
}

function bodyOperation(info: ResourceDefinition, method: string, verb: 'create' | 'replace', gvk: GroupVersionKind, suffix = ''): JsonSchema {
  return operation(info, method, gvk, {
    description: `${verb} ${suffix ? `${suffix.toLowerCase()} of ` : ''}${verb === 'create' ? 'a' : 'the specified'} ${info.kind}`,
    operationId: operationId(verb, info, suffix),
    parameters: WRITE_PARAMETERS,
    requestBody: { content: { '*/*': { schema: schemaRef(bodySchemaName(gvk)) } }, required: true },
    responses: okResponses(bodySchemaName(gvk), verb === 'create' ? ['200', '201', '202'] : ['200', '201']),
  });
}

/** Strategic merge patches are offered for built-in kinds only, as for CRDs upstream. */
function patchOperation(info: ResourceDefinition, gvk: GroupVersionKind, suffix: string): JsonSchema {
  const types = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];
  const own = gvk.kind === info.kind && gvk.group === info.group && gvk.version === info.version;
  if (own ? info.schema?.builtIn === true : isModelledKind(gvk)) types.push('application/strategic-merge-patch+json');
  return operation(info, 'patch', gvk, {
    description: `partially update ${suffix ? `${suffix.toLowerCase()} of ` : ''}the specified ${info.kind}`,
    operationId: operationId('patch', info, suffix),
    parameters: PATCH_PARAMETERS,
    requestBody: { content: Object.fromEntries(types.map((t) => [t, { schema: schemaRef(PATCH) }])), required: true },
    responses: okResponses(bodySchemaName(gvk), ['200', '201']),
  });
}

function deleteOperation(info: ResourceDefinition): JsonSchema {
  return operation(info, 'delete', kindOf(info), {
    description: `delete a ${info.kind}`,
    operationId: operationId('delete', info, ''),
    parameters: DELETE_PARAMETERS,
    requestBody: { content: { '*/*': { schema: schemaRef(DELETE_OPTIONS) } } },
    responses: okResponses(bodySchemaName(kindOf(info)), ['200', '202']),
  });
}

function deleteCollectionOperation(info: ResourceDefinition): JsonSchema {
  return operation(info, 'deletecollection', kindOf(info), {
    description: `delete collection of ${info.kind}`,
    operationId: operationId('delete', info, '').replace(/^delete/, 'deleteCollection'),
    parameters: [...LIST_PARAMETERS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...DELETE_PARAMETERS],
    requestBody: { content: { '*/*': { schema: schemaRef(DELETE_OPTIONS) } } },
    responses: okResponses(STATUS, ['200']),
  });
}

function connectOperation(info: ResourceDefinition, method: string, gvk: GroupVersionKind, suffix: string): JsonSchema {
  return operation(info, 'connect', gvk, {
    description: `connect ${method.toUpperCase()} requests to ${suffix.toLowerCase()} of ${info.kind}`,
    operationId: operationId(`connect${capitalize(method)}`, info, suffix),
    responses: { '200': { description: 'OK', content: { '*/*': { schema: { type: 'string' } } } }, '401': { description: 'Unauthorized' } },
  });
}

function textOperation(info: ResourceDefinition, gvk: GroupVersionKind, suffix: string): JsonSchema {
  return operation(info, 'get', gvk, {
    description: `read ${suffix.toLowerCase()} of the specified ${info.kind}`,
    operationId: operationId('read', info, suffix),
    responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': { description: 'Unauthorized' } },
  });
}

/** The schema of a body kind: defined when the document has it, else a plain object. */
function bodySchemaName(gvk: GroupVersionKind): string {
  return definitionNameOf(gvk);
}

function okResponses(schemaName: string, codes: string[], streams = false): JsonSchema {
  const types = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
  if (streams) types.push('application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch');
  const content = Object.fromEntries(types.map((t) => [t, { schema: schemaRef(schemaName) }]));
  const responses: JsonSchema = {};
  for (const code of codes) responses[code] = { description: RESPONSE_NAMES[code], content };
  responses['401'] = { description: 'Unauthorized' };
  return responses;
}

const RESPONSE_NAMES: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

// ---- parameters -------------------------------------------------------------------------

interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

function pathParameter(name: string, description: string): Parameter {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

function queryParameter(name: string, description: string, type: string): Parameter {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const DRY_RUN = queryParameter('dryRun', 'All: validate and run admission as usual but store nothing', 'string');
const FIELD_MANAGER = queryParameter('fieldManager', 'Name of the client making the change, recorded in managedFields', 'string');
const FIELD_VALIDATION = queryParameter('fieldValidation',
  'What to do with unknown or duplicated fields in a written body: Ignore, Warn or Strict', 'string');

const WRITE_PARAMETERS: Parameter[] = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];

const PATCH_PARAMETERS: Parameter[] = [
  ...WRITE_PARAMETERS,
  queryParameter('force', 'Server-side apply only: take over fields that another manager owns instead of failing with a conflict', 'boolean'),
];

const DELETE_PARAMETERS: Parameter[] = [
  DRY_RUN,
  queryParameter('gracePeriodSeconds', 'Seconds to wait before the object is removed; 0 removes it at once', 'integer'),
  queryParameter('ignoreStoreReadErrorWithClusterBreakingPotential', 'true removes an object that cannot be decoded, skipping the usual deletion steps (unsafe)', 'boolean'),
  queryParameter('orphanDependents', 'Deprecated; use propagationPolicy', 'boolean'),
  queryParameter('propagationPolicy', "What happens to dependents: 'Orphan' keeps them, 'Background' or 'Foreground' deletes them", 'string'),
];

const LIST_PARAMETERS: Parameter[] = [
  queryParameter('allowWatchBookmarks', 'Watch only: the server may send BOOKMARK events carrying the latest resourceVersion', 'boolean'),
  queryParameter('continue', "Token from the previous page's metadata.continue, to fetch the next page", 'string'),
  queryParameter('fieldSelector', 'Keep only objects whose fields match, e.g. metadata.name=x; empty keeps all', 'string'),
  queryParameter('labelSelector', 'Keep only objects whose labels match, e.g. app=web; empty keeps all', 'string'),
  queryParameter('limit', 'Largest page size; when more remain, metadata.continue is set', 'integer'),
  queryParameter('resourceVersion', 'Which state to read from: unset is the latest, 0 any cached state, else at least this version', 'string'),
  queryParameter('resourceVersionMatch', 'How a list reads resourceVersion: NotOlderThan or Exact', 'string'),
  queryParameter('sendInitialEvents', 'With watch=true: first send the current objects as ADDED events, then changes', 'boolean'),
  queryParameter('timeoutSeconds', 'Seconds after which the server ends the list or watch', 'integer'),
  queryParameter('watch', 'true streams changes (ADDED, MODIFIED, DELETED) instead of returning a list', 'boolean'),
];
