/**
 * Semantic equality of JSON objects, in the spirit of apimachinery's equality.Semantic:
 * key order does not matter, and an absent field equals null, an empty list or an empty map
 * (Go cannot tell those apart after decoding either).
 */

type Json = unknown;

function isEmpty(v: Json): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

export function semanticEqual(a: Json, b: Json): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) return arraysEqual(a, b);
  if (isObject(a) && isObject(b)) return objectsEqual(a, b);
  return a === b;
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arraysEqual(a: Json, b: Json): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((v, i) => semanticEqual(v, b[i]));
}

function objectsEqual(a: Record<string, Json>, b: Record<string, Json>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
  return true;
}

/** Leaf-level differences between two JSON values: `path: old → new`, for error messages. */
export function describeDifferences(a: Json, b: Json, path = ''): string[] {
  if (semanticEqual(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => describeDifferences(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((v, i) => describeDifferences(v, b[i], `${path}[${i}]`));
  }
  return [`- ${path}: ${JSON.stringify(a) ?? 'null'}\n+ ${path}: ${JSON.stringify(b) ?? 'null'}`];
}
