/**
 * How Go's encoding/json names types and JSON values in its UnmarshalTypeError, which the
 * apiserver passes on verbatim: `json: cannot unmarshal string into Go struct field
 * PodSpec.spec.terminationGracePeriodSeconds of type int64`. Types are named as
 * reflect.Type.String() prints them (`[]v1.Container`, `map[string]string`, `[]uint8`).
 */
import type { DecodedType } from './api-definition';

const SCALARS: Record<string, string> = {
  'string': 'string',
  'string/byte': '[]uint8',
  'boolean': 'bool',
  'integer': 'int',
  'integer/int32': 'int32',
  'integer/int64': 'int64',
  'number': 'float64',
  'number/double': 'float64',
  'object': 'map[string]interface {}',
};

/** 'io.k8s.api.core.v1.PodSpec' → 'PodSpec' (the struct name in error paths). */
export function structName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}

/** 'io.k8s.api.core.v1.PodSpec' → 'v1.PodSpec'; 'io.k8s.apimachinery.pkg.api.resource.Quantity' → 'resource.Quantity'. */
export function goDefinitionType(definition: string): string {
  const parts = definition.split('.');
  return parts.slice(-2).join('.');
}

export function goTypeName(type: DecodedType): string {
  switch (type.kind) {
    case 'scalar': return SCALARS[type.format ? `${type.type}/${type.format}` : type.type] ?? type.type;
    case 'ref': return goDefinitionType(type.name);
    case 'array': return `[]${goTypeName(type.items)}`;
    case 'map': return `map[string]${goTypeName(type.values)}`;
  }
}

/** The JSON value's kind as Go names it: 'string', 'number', 'bool', 'array', 'object'. */
export function jsonKindName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** A number as Go quotes it when it does not fit the target: `number 1.5`. 1e999 parses to Infinity. */
export function numberLiteral(value: number): string {
  if (value === Infinity) return 'number 1e999';
  if (value === -Infinity) return 'number -1e999';
  return `number ${String(value)}`;
}
