/**
 * Strategic-merge-patch metadata: for each place in an object, the merge strategy and merge
 * key of its fields, as the Go struct tags of k8s.io/api declare them (patchStrategy,
 * patchMergeKey: containers by name, ports by containerPort, finalizers merged as a set...).
 * It reads the same field model the OpenAPI documents publish, so the patches kubectl
 * computes from /openapi/v3 are applied with the semantics it assumed.
 * Places the model does not know (unknown kinds, unknown fields, free-form objects) have no
 * metadata: there, lists are replaced and objects merged, as in a JSON merge patch.
 */
import { decodeFieldType, type ApiDefinition, type ApiField, type DecodedType } from '../schema/api-definition';
import { K8S_DEFINITIONS, K8S_KINDS } from '../schema/k8s-definitions';

/** What is known about the values at one place of an object. */
export type PatchSchema =
  | { kind: 'struct'; definition: string }
  | { kind: 'map'; values: PatchSchema }
  | { kind: 'unknown' };

export const UNKNOWN_SCHEMA: PatchSchema = { kind: 'unknown' };

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys';

export interface FieldPatchMeta {
  /** From the patchStrategy tag, split on ','; empty when the field has none. */
  strategies: PatchStrategy[];
  /** From the patchMergeKey tag; '' when the field has none. */
  mergeKey: string;
  /** Schema of the field's value, or of its items when the value is a list. */
  schema: PatchSchema;
}

const NO_META: FieldPatchMeta = { strategies: [], mergeKey: '', schema: UNKNOWN_SCHEMA };

/** The key patch functions take for a kind: 'v1/Pod', 'apps/v1/Deployment'. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** The schema of a whole object of the kind, or undefined for kinds without a field model. */
export function kindPatchSchema(key: string): PatchSchema | undefined {
  const definition = K8S_KINDS[key];
  return definition ? { kind: 'struct', definition } : undefined;
}

/**
 * Metadata of `field` inside a value described by `schema`. `shape` is what the value at
 * `field` is in the documents being merged: for a 'list', the schema returned describes its
 * items (Go's LookupPatchMetadataForSlice); for a 'map', the value itself.
 */
export function lookupFieldPatchMeta(schema: PatchSchema, field: string, shape: 'map' | 'list'): FieldPatchMeta {
  if (schema.kind === 'map') return { strategies: [], mergeKey: '', schema: shapeOf(schema.values, shape) };
  if (schema.kind !== 'struct') return NO_META;
  const property = definitionOf(schema.definition)?.properties?.[field];
  return property ? fieldMeta(property, shape) : NO_META;
}

function fieldMeta(property: ApiField, shape: 'map' | 'list'): FieldPatchMeta {
  return {
    strategies: (property.patchStrategy?.split(',') ?? []) as PatchStrategy[],
    mergeKey: property.patchMergeKey ?? '',
    schema: shapeOf(schemaOf(decodeFieldType(property.type)), shape),
  };
}

/** Narrows a value schema to the shape found in the document. */
function shapeOf(schema: PatchSchema | ListSchema, shape: 'map' | 'list'): PatchSchema {
  if (shape === 'list') return schema.kind === 'list' ? schema.items : UNKNOWN_SCHEMA;
  return schema.kind === 'list' ? UNKNOWN_SCHEMA : schema;
}

interface ListSchema {
  kind: 'list';
  items: PatchSchema;
}

function schemaOf(type: DecodedType): PatchSchema | ListSchema {
  switch (type.kind) {
    case 'ref': return definitionOf(type.name)?.properties ? { kind: 'struct', definition: type.name } : UNKNOWN_SCHEMA;
    case 'map': return { kind: 'map', values: asValueSchema(schemaOf(type.values)) };
    case 'array': return { kind: 'list', items: asValueSchema(schemaOf(type.items)) };
    default: return UNKNOWN_SCHEMA;
  }
}

/** Lists of lists are not mergeable; their items are treated as unknown. */
function asValueSchema(schema: PatchSchema | ListSchema): PatchSchema {
  return schema.kind === 'list' ? UNKNOWN_SCHEMA : schema;
}

function definitionOf(name: string): ApiDefinition | undefined {
  return K8S_DEFINITIONS[name];
}

/** A short name for messages, like Go's schema.Name(). */
export function schemaName(schema: PatchSchema): string {
  if (schema.kind === 'struct') return schema.definition.slice(schema.definition.lastIndexOf('.') + 1);
  return schema.kind === 'map' ? 'map' : 'unknown';
}
