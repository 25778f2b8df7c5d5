/**
 * Structural pruning and defaulting of a custom resource by its CRD version's openAPIV3Schema,
 * as the apiextensions-apiserver does on every write (structural/pruning and
 * structural/defaulting): null in a field that is not `nullable` is dropped, then a missing
 * field with a `default` gets it, then fields the schema does not declare are dropped (and
 * reported, for fieldValidation) unless `x-kubernetes-preserve-unknown-fields` keeps them.
 * apiVersion, kind and metadata of the root (and of `x-kubernetes-embedded-resource` objects)
 * are always kept. Types are not checked here: values of the wrong type are kept for
 * custom-schema-validation.ts to refuse with 422 and the field path.
 */
import type { JSONSchemaProps } from '../../../api/apiextensions-v1';
import { copyFreeForm, type TypedValue } from './typed-decoder';

const TYPE_META = ['apiVersion', 'kind', 'metadata'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A pruned and defaulted copy of `body`; `unknownFields` are the dropped members' paths. */
export function pruneAndDefault(schema: JSONSchemaProps, body: unknown): TypedValue {
  const unknown: string[] = [];
  const value = walk(schema, copyFreeForm(body), '', unknown, true);
  return { value: (isObject(value) ? value : {}) as Record<string, unknown>, unknownFields: unknown };
}

function walk(schema: JSONSchemaProps, value: unknown, path: string, unknown: string[], root: boolean): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((item, i) => walk(schema.items as JSONSchemaProps, item, `${path}[${i}]`, unknown, false)) : value;
  if (!isObject(value) || schema['x-kubernetes-int-or-string']) return value;
  return walkObject(schema, value, path, unknown, root || schema['x-kubernetes-embedded-resource'] === true);
}

function walkObject(schema: JSONSchemaProps, value: Record<string, unknown>, path: string, unknown: string[], keepTypeMeta: boolean): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  applyDefaults(properties, value);
  for (const [name, member] of Object.entries(value)) {
    const child = join(path, name);
    const declared = Object.hasOwn(properties, name) ? properties[name] : additional;
    if (keepTypeMeta && TYPE_META.includes(name)) continue;
    if (declared) {
      value[name] = walk(declared, member, child, unknown, false);
      continue;
    }
    if (schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties === true) continue;
    delete value[name];
    unknown.push(child);
  }
  return value;
}

/** Non-nullable nulls are dropped first, so a default replaces them (PruneNonNullableNullsWithoutDefaults). */
function applyDefaults(properties: Record<string, JSONSchemaProps>, value: Record<string, unknown>): void {
  for (const [name, property] of Object.entries(properties)) {
    if (value[name] === null && !property.nullable) delete value[name];
    if (!Object.hasOwn(value, name) && property.default !== undefined) value[name] = structuredClone(property.default);
  }
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
