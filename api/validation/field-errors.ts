/**
 * Builders for validation causes, worded exactly as Kubernetes' field.Error.ErrorBody()
 * (k8s.io/apimachinery/pkg/util/validation/field/errors.go, v0.32): the cause `message` is
 * the body without the field, the `field` is the path, the `reason` the ErrorType.
 */
import type { StatusCause } from '../meta';

export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueTooLong'
  | 'FieldValueForbidden'
  | 'FieldValueNotFound'
  | 'FieldValueTooMany';

/** A cause as produced here: all three fields always set. */
export interface FieldCause extends StatusCause {
  reason: CauseReason;
  message: string;
  field: string;
}

/** A bad value as Go renders it with %v / %q: numbers and booleans bare, strings quoted. */
export type BadValue = string | number | boolean | null | undefined | object;

export function required(field: string, detail = ''): FieldCause {
  return { reason: 'FieldValueRequired', message: withDetail('Required value', detail), field };
}

export function invalid(field: string, value: BadValue, detail = ''): FieldCause {
  return { reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${renderValue(value)}`, detail), field };
}

/** Invalid, for a value already rendered as Go prints it (%#v of a map, struct or IntOrString). */
export function invalidGo(field: string, goValue: string, detail = ''): FieldCause {
  return { reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${goValue}`, detail), field };
}

/** Invalid with the value omitted (field.OmitValueType): `Invalid value: <detail>`. */
export function invalidOmitValue(field: string, detail: string): FieldCause {
  return { reason: 'FieldValueInvalid', message: withDetail('Invalid value', detail), field };
}

/** field.TooMany: `Too many: 21: must have at most 20 items`. */
export function tooMany(field: string, actual: number, max: number): FieldCause {
  return { reason: 'FieldValueTooMany', message: `Too many: ${actual}: must have at most ${max} items`, field };
}

export function duplicate(field: string, value: BadValue): FieldCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${renderValue(value)}`, field };
}

export function notFound(field: string, value: BadValue): FieldCause {
  return { reason: 'FieldValueNotFound', message: `Not found: ${renderValue(value)}`, field };
}

/** `Unsupported value: "X": supported values: "A", "B"` (valid values in the given order). */
export function notSupported(field: string, value: BadValue, validValues: readonly string[]): FieldCause {
  const detail = validValues.length ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', message: withDetail(`Unsupported value: ${renderValue(value)}`, detail), field };
}

/** NotSupported, for a value already rendered as Go prints it (%#v of a struct). */
export function notSupportedGo(field: string, goValue: string, validValues: readonly string[]): FieldCause {
  const detail = validValues.length ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', message: withDetail(`Unsupported value: ${goValue}`, detail), field };
}

export function forbidden(field: string, detail: string): FieldCause {
  return { reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail), field };
}

/** The value itself is omitted, as Kubernetes does for too-long values. */
export function tooLong(field: string, maxLength: number): FieldCause {
  return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxLength} bytes`, field };
}

/** One error string as Go's field.Error.Error() prints it: `<field>: <body>`. */
export function causeToString(cause: StatusCause): string {
  return `${cause.field ?? ''}: ${cause.message ?? ''}`;
}

function withDetail(body: string, detail: string): string {
  return detail ? `${body}: ${detail}` : body;
}

function renderValue(value: BadValue): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return goQuote(value);
  if (value === null || value === undefined) return goQuote('null');
  return JSON.stringify(value);
}

const GO_ESCAPES: Record<string, string> = {
  '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"',
};

/** Go's %q for a string: double-quoted, with Go escapes for quotes, backslashes and controls. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += GO_ESCAPES[ch] ?? escapeControl(ch);
  return `${out}"`;
}

function escapeControl(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return ch;
}
