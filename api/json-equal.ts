/**
 * Whether two values serialise to the same JSON up to the order of object keys, without
 * serialising them: what `stableJson(a) === stableJson(b)` answers (registry/object-meta.ts),
 * for the write path's "did anything change" checks, at a fraction of the cost. As JSON.stringify
 * does, an object member that is undefined, a function or a symbol is absent; such an array item,
 * and a non-finite number, is null; a value with `toJSON` (a Date) compares as what it returns.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return valuesEqual(asJson(a, false), asJson(b, false));
}

/** What JSON.stringify writes for `value`: undefined when it is left out (in an object), null for it in an array. */
function asJson(value: unknown, inArray: boolean): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return asJson((value as { toJSON(): unknown }).toJSON(), inArray);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return inArray ? null : undefined;
  return value;
}

function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && arraysEqual(a, b);
  return objectsEqual(a as Record<string, unknown>, b as Record<string, unknown>);
}

function arraysEqual(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesEqual(asJson(a[i], true), asJson(b[i], true))) return false;
  return true;
}

/** Same present members (a left-out one is absent), equal values. */
function objectsEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let present = 0;
  for (const key of Object.keys(a)) {
    const value = asJson(a[key], false);
    if (value === undefined) continue;
    present++;
    if (!Object.hasOwn(b, key) || !valuesEqual(value, asJson(b[key], false))) return false;
  }
  for (const key of Object.keys(b)) if (asJson(b[key], false) !== undefined) present--;
  return present === 0;
}
