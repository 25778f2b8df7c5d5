/**
 * JSON merge patch, RFC 7386 (`application/merge-patch+json`): a null member deletes, an
 * object merges recursively, anything else (arrays included) replaces.
 * https://www.rfc-editor.org/rfc/rfc7386
 */
import { badRequest } from '../../../api/errors';
import { cloneJson, isJsonObject, jsonEqual, setMember, type JsonObject } from './json-value';

/**
 * Applies a merge patch to an object. The apiserver only accepts an object as the whole
 * patch (anything else could not decode into a Kubernetes object), so a non-object patch is
 * a 400 with the message evanphx/json-patch gives, "Invalid JSON Patch".
 * Neither argument is modified.
 */
export function applyJsonMergePatch(original: unknown, patch: unknown): JsonObject {
  if (!isJsonObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeObject(isJsonObject(original) ? cloneJson(original) : {}, patch);
}

/** RFC 7386 MergePatch(target, patch) for any JSON value. */
export function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  return mergeObject(isJsonObject(target) ? cloneJson(target) : {}, patch);
}

/** Merges `patch` into `target`, which the caller owns. */
function mergeObject(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else setMember(target, key, isJsonObject(value) ? mergeObject(ownedObject(memberOf(target, key)), value) : cloneJson(value));
  }
  return target;
}

function memberOf(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function ownedObject(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

/**
 * The merge patch that turns `original` into `modified` (the inverse of applying one):
 * members removed become null, changed objects recurse, other changes are replaced whole.
 */
export function createJsonMergePatch(original: JsonObject, modified: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(modified, key)) setMember(patch, key, null);
  }
  for (const [key, value] of Object.entries(modified)) {
    const diff = diffMember(memberOf(original, key), value, Object.hasOwn(original, key));
    if (diff !== undefined) setMember(patch, key, diff);
  }
  return patch;
}

function diffMember(before: unknown, after: unknown, existed: boolean): unknown {
  if (isJsonObject(before) && isJsonObject(after)) {
    const nested = createJsonMergePatch(before, after);
    return Object.keys(nested).length === 0 ? undefined : nested;
  }
  if (existed && jsonEqual(before, after)) return undefined;
  return cloneJson(after);
}
