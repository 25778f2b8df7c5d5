/**
 * `fieldValidation` (Ignore | Warn | Strict): fields the kind does not have. Strict (what
 * kubectl sends by default) rejects the request with 400 `strict decoding error: unknown field
 * "spec.containers[0].imagee"`; Warn (the server's default) answers with one `Warning: 299`
 * header per field; Ignore drops them silently. Duplicate keys in the body count as strict
 * errors too (`duplicate field "metadata.name"`). Whatever the mode, unknown fields are never
 * stored: the typed decoder (schema/typed-decoder.ts) drops them while it finds them. Kinds are
 * walked through the same field model the OpenAPI documents publish; a kind without one is
 * checked at the top level only.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
 */
import { badRequest } from '../../api/errors';
import { cannotHandle, decodeBody, kindDefinition } from './object-decoding';
import type { ResourceDefinition } from '../registry/resource-definition';

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

/** Paths of the members of `body` its kind does not declare (throws 400 for a body of wrong types). */
export function unknownFields(info: ResourceDefinition, body: unknown, topLevelFields: readonly string[]): string[] {
  if (kindDefinition(info)) return decodeBody(info, body).unknownFields;
  if (!isObject(body)) return [];
  return Object.keys(body).filter((k) => !topLevelFields.includes(k));
}

/** What strict decoding reports, in Kubernetes' words: unknown fields, then duplicates and the like. */
export function strictDecodingErrors(unknown: readonly string[], others: readonly string[] = []): string[] {
  return [...unknown.map((f) => `unknown field ${JSON.stringify(f)}`), ...others];
}

/** Applies the directive to strict decoding errors: the warnings to send (Warn), a 400 on Strict. */
export function applyFieldValidation(info: ResourceDefinition, errors: readonly string[], mode: FieldValidation): string[] {
  if (mode === 'Ignore' || errors.length === 0) return [];
  if (mode === 'Strict') throw cannotHandle(info, `strict decoding error: ${errors.join(', ')}`);
  return [...errors];
}

/** Applies the directive to a whole body; `others` are the parser's strict errors (duplicate keys). */
export function enforceFieldValidation(info: ResourceDefinition, body: unknown, topLevelFields: readonly string[], mode: FieldValidation, others: readonly string[] = []): string[] {
  if (mode === 'Ignore') return [];
  return applyFieldValidation(info, strictDecodingErrors(unknownFields(info, body, topLevelFields), others), mode);
}
