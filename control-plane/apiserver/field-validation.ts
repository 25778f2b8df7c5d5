/**
 * `fieldValidation` (Ignore | Warn | Strict): fields the kind does not have. Strict (what
 * kubectl sends by default) rejects the request with 400 `strict decoding error: unknown field
 * "spec.containers[0].imagee"`; Warn (the server's default) answers with one `Warning: 299`
 * header per field; Ignore drops them silently. Kinds are walked through the same field model
 * the OpenAPI documents publish; a kind without one is checked at the top level only.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
 */
import { badRequest } from '../../api/errors';
import { decodeFieldType, type DecodedType } from './schema/api-definition';
import { K8S_DEFINITIONS, K8S_KINDS } from './schema/k8s-definitions';
import { apiVersionOf, type ResourceInfo } from './resource-info';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

const MODES: readonly string[] = ['Ignore', 'Warn', 'Strict'];

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (!MODES.includes(value)) throw badRequest(`fieldValidation parameter must be one of Ignore, Warn, Strict, got "${value}"`);
  return value as FieldValidation;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** Paths of the members of `value` that `type` does not declare. */
function unknownIn(value: unknown, type: DecodedType, path: string, out: string[]): void {
  if (type.kind === 'array') {
    if (Array.isArray(value)) value.forEach((item, i) => unknownIn(item, type.items, `${path}[${i}]`, out));
  } else if (type.kind === 'map') {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) unknownIn(v, type.values, `${path}[${k}]`, out);
  } else if (type.kind === 'ref') {
    unknownInDefinition(value, type.name, path, out);
  }
}

function unknownInDefinition(value: unknown, name: string, path: string, out: string[]): void {
  const properties = K8S_DEFINITIONS[name]?.properties;
  if (!properties || !isObject(value)) return;
  for (const [field, member] of Object.entries(value)) {
    const declared = properties[field];
    if (!declared) out.push(join(path, field));
    else unknownIn(member, decodeFieldType(declared.type), join(path, field), out);
  }
}

export function unknownFields(info: ResourceInfo, body: unknown, topLevelFields: readonly string[]): string[] {
  const out: string[] = [];
  const definition = K8S_KINDS[`${apiVersionOf(info)}/${info.kind}`];
  if (definition) unknownInDefinition(body, definition, '', out);
  else if (isObject(body)) out.push(...Object.keys(body).filter((k) => !topLevelFields.includes(k)));
  return out;
}

/** Applies the directive; returns the warnings to send (Warn), throws on Strict. */
export function enforceFieldValidation(info: ResourceInfo, body: unknown, topLevelFields: readonly string[], mode: FieldValidation): string[] {
  if (mode === 'Ignore') return [];
  const unknown = unknownFields(info, body, topLevelFields).map((f) => `unknown field ${JSON.stringify(f)}`);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${unknown.join(', ')}`);
  return unknown;
}
