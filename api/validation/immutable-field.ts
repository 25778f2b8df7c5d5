/**
 * apivalidation.ValidateImmutableField: `field is immutable` when the new value differs from the
 * old one under semantic equality (absent, null and empty are the same).
 */
import { semanticEqual } from '../semantic-equality';
import { invalidGo, type FieldCause } from './field-errors';

export const FIELD_IMMUTABLE = 'field is immutable';

/** `render` prints the new value as Go would; JSON by default (Go prints structs with %#v). */
export function validateImmutableField<T>(next: T, old: T, path: string, render: (value: T) => string = renderJson): FieldCause[] {
  return semanticEqual(next, old) ? [] : [invalidGo(path, render(next), FIELD_IMMUTABLE)];
}

function renderJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return value === undefined || value === null ? '"null"' : JSON.stringify(value);
}
