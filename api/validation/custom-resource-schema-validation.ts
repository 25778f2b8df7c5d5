/**
 * Validation of a pruned, defaulted custom resource against its openAPIV3Schema, worded as the
 * apiextensions-apiserver's kube-openapi validator is (`spec.replicas: Invalid value: "string":
 * spec.replicas in body must be of type integer: "string"`), as field causes of a 422. The root's
 * metadata is the registry's (object-meta validation); an embedded resource's apiVersion and
 * kind must be set.
 */
import type { JSONSchemaProps } from '../apiextensions-v1';
import type { StatusCause } from '../meta';
import { invalid, notSupported, required, tooLong, tooMany, type BadValue } from './field-errors';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type name kube-openapi reports a value as. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

function typeMatches(schema: JSONSchemaProps, value: unknown): boolean {
  const actual = typeName(value);
  if (schema['x-kubernetes-int-or-string']) return actual === 'integer' || actual === 'string';
  if (!schema.type) return true;
  if (value === null) return schema.nullable === true;
  return schema.type === actual || (schema.type === 'number' && actual === 'integer');
}

/** Every violation of `schema` by `value` (the object's root: path ''). */
export function validateAgainstSchema(schema: JSONSchemaProps, value: unknown, path = ''): StatusCause[] {
  if (!typeMatches(schema, value)) {
    const actual = typeName(value);
    const expected = schema['x-kubernetes-int-or-string'] ? 'integer,string' : schema.type;
    return [invalid(path, actual, `${path || 'body'} in body must be of type ${expected}: ${JSON.stringify(actual)}`)];
  }
  if (value === null) return [];
  const causes = [...enumCauses(schema, value, path), ...scalarCauses(schema, value, path)];
  if (Array.isArray(value)) causes.push(...arrayCauses(schema, value, path));
  else if (isObject(value)) causes.push(...objectCauses(schema, value, path));
  return causes;
}

function enumCauses(schema: JSONSchemaProps, value: unknown, path: string): StatusCause[] {
  if (!schema.enum || schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) return [];
  return [notSupported(path, value as BadValue, schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))];
}

function scalarCauses(schema: JSONSchemaProps, value: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const where = `${path} in body`;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      causes.push(invalid(path, value, `${where} should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`));
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      causes.push(invalid(path, value, `${where} should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`));
    }
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) causes.push(tooLong(path, schema.maxLength));
    if (schema.minLength !== undefined && length < schema.minLength) causes.push(invalid(path, value, `${where} should be at least ${schema.minLength} chars long`));
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) causes.push(invalid(path, value, `${where} should match '${schema.pattern}'`));
  }
  return causes;
}

function arrayCauses(schema: JSONSchemaProps, value: unknown[], path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push(tooMany(path, value.length, schema.maxItems));
  if (schema.minItems !== undefined && value.length < schema.minItems) causes.push(invalid(path, value.length, `${path} in body should have at least ${schema.minItems} items`));
  const items = schema.items;
  if (items) value.forEach((item, i) => causes.push(...validateAgainstSchema(items, item, `${path}[${i}]`)));
  return causes;
}

function objectCauses(schema: JSONSchemaProps, value: Record<string, unknown>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const count = Object.keys(value).length;
  if (schema.maxProperties !== undefined && count > schema.maxProperties) causes.push(tooMany(path, count, schema.maxProperties));
  if (schema.minProperties !== undefined && count < schema.minProperties) causes.push(invalid(path, count, `${path} in body should have at least ${schema.minProperties} properties`));
  for (const name of schema.required ?? []) if (value[name] === undefined) causes.push(required(join(path, name)));
  if (schema['x-kubernetes-embedded-resource']) causes.push(...embeddedCauses(value, path));
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [name, member] of Object.entries(value)) {
    if (path === '' && name === 'metadata') continue;
    const property = schema.properties && Object.hasOwn(schema.properties, name) ? schema.properties[name] : additional;
    if (property) causes.push(...validateAgainstSchema(property, member, join(path, name)));
  }
  return causes;
}

function embeddedCauses(value: Record<string, unknown>, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (typeof value.apiVersion !== 'string' || !value.apiVersion) causes.push(required(join(path, 'apiVersion'), 'must not be empty'));
  if (typeof value.kind !== 'string' || !value.kind) causes.push(required(join(path, 'kind'), 'must not be empty'));
  return causes;
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
