/**
 * JSON values as the patch functions see them: what `JSON.parse` returns.
 * Patches never mutate their inputs; they work on clones.
 */

export type JsonObject = { [key: string]: unknown };

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own member, even one named `__proto__` (which plain assignment would treat as the
 * prototype), so that patch documents cannot reshape objects through that name.
 */
export function setMember(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Deep copy of a JSON value (objects and arrays are copied, scalars returned as is). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** Structural equality of two JSON values; object member order does not matter. */
export { jsonEqual } from '../../../api/json-equal';

/** Go's name for the JSON type of a value, as encoding/json spells it in errors. */
export function goJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}
