/**
 * OpenAPI v3 component schemas of API kinds, built from the shared field model
 * (schema/k8s-definitions.ts) in the shape the Kubernetes apiserver publishes: references
 * wrapped in allOf, and the x-kubernetes-patch-merge-key / x-kubernetes-patch-strategy /
 * x-kubernetes-list-* extensions that kubectl apply computes strategic merge patches from.
 */
import type { JSONSchemaProps } from '../../api/apiextensions-v1';
import { decodeFieldType, referencedDefinition, type ApiDefinition, type ApiField, type DecodedType } from './schema/api-definition';
import { K8S_DEFINITIONS, K8S_KINDS } from './schema/k8s-definitions';

export type JsonSchema = Record<string, unknown>;

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const OBJECT_META = `${META}.ObjectMeta`;
export const LIST_META = `${META}.ListMeta`;
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;

export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** The definition name of a kind: generated for built-in kinds, made up for the others. */
export function definitionNameOf(gvk: GroupVersionKind): string {
  const known = K8S_KINDS[`${apiVersionOf(gvk)}/${gvk.kind}`];
  if (known) return known;
  const group = gvk.group ? gvk.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${group}.${gvk.version}.${gvk.kind}`;
}

export function apiVersionOf(gvk: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** Whether the field model describes the kind (and so strategic merge patches apply to it). */
export function isModelledKind(gvk: GroupVersionKind): boolean {
  return K8S_KINDS[`${apiVersionOf(gvk)}/${gvk.kind}`] !== undefined;
}

/**
 * Collects the schemas of `kinds` and of every definition they reference, into `schemas`.
 * Kinds outside the field model get an open schema (known top-level fields, any others kept).
 */
export function addKindSchemas(schemas: Record<string, JsonSchema>, kinds: GroupVersionKind[]): void {
  for (const gvk of kinds) {
    const known = K8S_KINDS[`${apiVersionOf(gvk)}/${gvk.kind}`];
    addKindSchema(schemas, gvk, known ? { definition: known } : undefined);
  }
}

/**
 * Adds the schema of one kind, from its field model (`definitions` are the kind's own, looked
 * up before the built-in ones), or an open schema for a kind without one. Returns its name.
 */
export function addKindSchema(
  schemas: Record<string, JsonSchema>, gvk: GroupVersionKind, model: { definition: string; definitions?: Readonly<Record<string, ApiDefinition>>; custom?: JSONSchemaProps } | undefined,
): string {
  const name = model?.definition ?? definitionNameOf(gvk);
  if (model?.custom) schemas[name] ??= customKindSchema(model.custom);
  else if (model) addDefinitionClosure(schemas, name, model.definitions);
  else schemas[name] ??= openKindSchema(gvk);
  addGvk(schemas[name], gvk);
  return name;
}

/** Adds a definition and everything it references; `own` are searched before the built-in definitions. */
export function addDefinitionClosure(schemas: Record<string, JsonSchema>, name: string, own: Readonly<Record<string, ApiDefinition>> = {}): void {
  const pending = [name];
  while (pending.length > 0) {
    const next = pending.pop()!;
    const definition = Object.hasOwn(own, next) ? own[next] : K8S_DEFINITIONS[next];
    if (schemas[next] || !definition) continue;
    schemas[next] = definitionSchema(definition);
    for (const field of Object.values(definition.properties ?? {})) {
      const ref = referencedDefinition(field.type);
      if (ref) pending.push(ref);
    }
  }
}

function addGvk(schema: JsonSchema, gvk: GroupVersionKind): void {
  const list = (schema['x-kubernetes-group-version-kind'] ??= []) as GroupVersionKind[];
  if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push({ ...gvk });
}

function definitionSchema(definition: ApiDefinition): JsonSchema {
  const schema: JsonSchema = {};
  if (definition.description) schema.description = definition.description;
  if (!definition.properties) {
    schema.type = definition.type ?? 'object';
    if (definition.format) schema.format = definition.format;
    return schema;
  }
  schema.type = 'object';
  if (definition.required) schema.required = definition.required;
  schema.properties = Object.fromEntries(Object.entries(definition.properties).map(([name, field]) => [name, fieldSchema(field)]));
  return schema;
}

function fieldSchema(field: ApiField): JsonSchema {
  const decoded = decodeFieldType(field.type);
  const schema: JsonSchema = field.description ? { description: field.description } : {};
  Object.assign(schema, typeSchema(decoded, true));
  if (field.enum) schema.enum = field.enum;
  if (field.patchMergeKey) schema['x-kubernetes-patch-merge-key'] = field.patchMergeKey;
  if (field.patchStrategy) schema['x-kubernetes-patch-strategy'] = field.patchStrategy;
  if (field.listType) schema['x-kubernetes-list-type'] = field.listType;
  if (field.listMapKeys) schema['x-kubernetes-list-map-keys'] = field.listMapKeys;
  if (field.mapType) schema['x-kubernetes-map-type'] = field.mapType;
  return schema;
}

/** A type as a schema; references are wrapped in allOf as the apiserver does. */
function typeSchema(type: DecodedType, top = false): JsonSchema {
  switch (type.kind) {
    case 'ref': return top ? { allOf: [schemaRef(type.name)] } : { allOf: [schemaRef(type.name)], default: {} };
    case 'array': return { type: 'array', items: typeSchema(type.items) };
    case 'map': return { type: 'object', additionalProperties: typeSchema(type.values) };
    default: return type.type === 'object' ? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } : scalarSchema(type.type, type.format);
  }
}

function scalarSchema(type: string, format: string | undefined): JsonSchema {
  return format ? { type, format } : { type };
}

const API_VERSION_FIELD = "The object's API group and version, as 'group/version' (just 'v1' for the core group).";
const KIND_FIELD = "The object's kind, in CamelCase (Pod, Deployment).";

/**
 * A custom resource's published schema: its openAPIV3Schema with apiVersion, kind and metadata
 * described as for every kind (the apiextensions-apiserver's builder adds them the same way).
 */
function customKindSchema(custom: JSONSchemaProps): JsonSchema {
  const schema = structuredClone(custom) as JsonSchema;
  schema.properties = {
    ...(custom.properties ?? {}),
    apiVersion: { description: API_VERSION_FIELD, type: 'string' },
    kind: { description: KIND_FIELD, type: 'string' },
    metadata: { description: 'Standard object metadata.', allOf: [schemaRef(OBJECT_META)] },
  };
  return schema;
}

/** What is known of a kind outside the field model: its type and metadata; other fields pass. */
function openKindSchema(gvk: GroupVersionKind): JsonSchema {
  return {
    description: `${gvk.kind} of ${apiVersionOf(gvk)}.`,
    type: 'object',
    properties: {
      apiVersion: { description: API_VERSION_FIELD, type: 'string' },
      kind: { description: KIND_FIELD, type: 'string' },
      metadata: { description: 'Name, namespace, labels and other metadata of the object.', allOf: [schemaRef(OBJECT_META)] },
    },
    'x-kubernetes-preserve-unknown-fields': true,
  };
}

/** The list schema of a kind: items of the kind, list metadata. */
export function listSchema(itemsName: string, listGvk: GroupVersionKind): JsonSchema {
  return {
    description: `A list of ${itemsName.slice(itemsName.lastIndexOf('.') + 1)} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: API_VERSION_FIELD, type: 'string' },
      items: { type: 'array', items: { allOf: [schemaRef(itemsName)], default: {} } },
      kind: { description: KIND_FIELD, type: 'string' },
      metadata: { description: 'List metadata: resourceVersion and continue token.', allOf: [schemaRef(LIST_META)], default: {} },
    },
    'x-kubernetes-group-version-kind': [listGvk],
  };
}

/** meta.k8s.io Patch: the body of a patch operation, free-form. */
export const PATCH_SCHEMA: JsonSchema = {
  description: 'Body of a PATCH request; its form depends on the patch content type.',
  type: 'object',
};
