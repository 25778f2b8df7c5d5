/**
 * JSON patch, RFC 6902 (`application/json-patch+json`), with the apiserver's error contract:
 * a body that is not a list of operations is 400 BadRequest (the decoder's message), more
 * than 10000 operations is 413, and an operation that does not apply is 422 Invalid with
 * the apiserver's fixed message (the evanphx/json-patch reason is kept in `detail`).
 * Like evanphx/json-patch v4, which the apiserver uses, `replace` of a missing object member
 * sets it, negative array indices count from the end, and `test` of a missing member
 * against null succeeds.
 * https://www.rfc-editor.org/rfc/rfc6902
 */
import { ApiError, badRequest } from '../../../api/errors';
import { cloneJson, goJsonKind, isJsonObject, jsonEqual, setMember, type JsonObject } from './json-value';

/** Maximum operations per patch, as the apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** 422 for a patch that decodes but does not apply to the object. */
export class JsonPatchApplyError extends ApiError {
  constructor(readonly detail: string) {
    super('Invalid', 'the server rejected our request due to an error in our request');
  }
}

type Operation = JsonObject;

/** Applies `patch` (the parsed request body) to a copy of `document` and returns the copy. */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  const operations = decodePatch(patch);
  const box: Box = { root: cloneJson(document) };
  for (const op of operations) applyOperation(box, op);
  return box.root;
}

function decodePatch(patch: unknown): Operation[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) throw badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`);
  const bad = patch.find((op) => op !== null && !isJsonObject(op));
  if (bad !== undefined) throw badRequest(`json: cannot unmarshal ${goJsonKind(bad)} into Go value of type jsonpatch.Operation`);
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError('TooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  return patch.map((op) => (op === null ? {} : (op as Operation)));
}

/** The document being patched; `root` changes when a whole-document operation applies. */
interface Box {
  root: unknown;
}

function applyOperation(box: Box, op: Operation): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': return addOp(box, op);
    case 'remove': return removeOp(box, op);
    case 'replace': return replaceOp(box, op);
    case 'move': return moveOp(box, op);
    case 'copy': return copyOp(box, op);
    case 'test': return testOp(box, op);
    default: throw new JsonPatchApplyError(`Unexpected kind: ${kind}`);
  }
}

function pointerOf(op: Operation, field: 'path' | 'from', kind: string): string {
  const value = op[field];
  if (typeof value !== 'string') throw new JsonPatchApplyError(`${kind} operation failed to decode ${field}: missing value`);
  return value;
}

/** The operation's value; an absent value is null, as in evanphx/json-patch. */
function valueOf(op: Operation): unknown {
  return Object.hasOwn(op, 'value') ? cloneJson(op.value) : null;
}

function addOp(box: Box, op: Operation): void {
  const path = pointerOf(op, 'path', 'add');
  if (path === '') return void (box.root = valueOf(op));
  const slot = locate(box.root, path);
  if (!slot) throw new JsonPatchApplyError(`add operation does not apply: doc is missing path: "${path}": missing value`);
  wrap(`error in add for path: '${path}'`, () => slot.add(valueOf(op)));
}

function removeOp(box: Box, op: Operation): void {
  const path = pointerOf(op, 'path', 'remove');
  const slot = locate(box.root, path);
  if (!slot) throw new JsonPatchApplyError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  wrap(`error in remove for path: '${path}'`, () => slot.remove());
}

function replaceOp(box: Box, op: Operation): void {
  const path = pointerOf(op, 'path', 'replace');
  if (path === '') return replaceRoot(box, valueOf(op));
  const slot = locate(box.root, path);
  if (!slot) throw new JsonPatchApplyError(`replace operation does not apply: doc is missing path: ${path}: missing value`);
  if (!slot.canReplace()) throw new JsonPatchApplyError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
  slot.set(valueOf(op));
}

function replaceRoot(box: Box, value: unknown): void {
  if (!isJsonObject(value) && !Array.isArray(value)) throw new JsonPatchApplyError('replace operation value must be object or array');
  box.root = value;
}

function moveOp(box: Box, op: Operation): void {
  const from = pointerOf(op, 'from', 'move');
  const source = locate(box.root, from);
  if (!source) throw new JsonPatchApplyError(`move operation does not apply: doc is missing from path: ${from}: missing value`);
  const value = wrap(`error in move for path: '${source.key}'`, () => source.get());
  wrap(`error in move for path: '${source.key}'`, () => source.remove());
  const path = pointerOf(op, 'path', 'move');
  const target = locate(box.root, path);
  if (!target) throw new JsonPatchApplyError(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
  wrap(`error in move for path: '${path}'`, () => target.add(value));
}

function copyOp(box: Box, op: Operation): void {
  const from = pointerOf(op, 'from', 'copy');
  const source = locate(box.root, from);
  if (!source || !source.exists()) throw new JsonPatchApplyError(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
  const value = cloneJson(wrap(`error in copy for from: '${from}'`, () => source.get()));
  const path = pointerOf(op, 'path', 'copy');
  const target = locate(box.root, path);
  if (!target) throw new JsonPatchApplyError(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
  wrap('error while adding value during copy', () => target.add(value));
}

function testOp(box: Box, op: Operation): void {
  const path = pointerOf(op, 'path', 'test');
  const expected = valueOf(op);
  if (path === '') return void (jsonEqual(box.root, expected) || testFailed(path));
  const slot = locate(box.root, path);
  if (!slot) throw new JsonPatchApplyError(`test operation does not apply: is missing path: ${path}: missing value`);
  const actual = wrap(`error in test for path: '${path}'`, () => slot.get());
  if (!jsonEqual(actual ?? null, expected)) testFailed(path);
}

function testFailed(path: string): never {
  throw new JsonPatchApplyError(`testing value ${path} failed: test failed`);
}

/** Runs a slot operation, prefixing its failure reason the way evanphx/json-patch does. */
function wrap<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err: unknown) {
    if (err instanceof SlotError) throw new JsonPatchApplyError(`${prefix}: ${err.message}`);
    throw err;
  }
}

class SlotError extends Error {}

/** The place a pointer names: its parent container and the last reference token. */
interface Slot {
  key: string;
  exists(): boolean;
  get(): unknown;
  set(value: unknown): void;
  add(value: unknown): void;
  remove(): void;
  canReplace(): boolean;
}

/** Decodes one reference token (RFC 6901: ~1 is '/', ~0 is '~'). */
export function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Encodes one reference token. */
export function encodePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Finds the container holding the pointer's target, or undefined when a parent is missing. */
function locate(root: unknown, pointer: string): Slot | undefined {
  if (!pointer.startsWith('/')) return undefined;
  const tokens = pointer.slice(1).split('/').map(decodePointerToken);
  let container = root;
  for (const token of tokens.slice(0, -1)) {
    container = child(container, token);
    if (container === undefined) return undefined;
  }
  return slotIn(container, tokens[tokens.length - 1]);
}

function child(container: unknown, token: string): unknown {
  if (isJsonObject(container)) return Object.hasOwn(container, token) ? container[token] : undefined;
  if (!Array.isArray(container)) return undefined;
  const index = parseIndex(token, container.length);
  return index === undefined || index >= container.length ? undefined : container[index];
}

function slotIn(container: unknown, key: string): Slot | undefined {
  if (isJsonObject(container)) return objectSlot(container, key);
  if (Array.isArray(container)) return arraySlot(container, key);
  return undefined;
}

function objectSlot(obj: JsonObject, key: string): Slot {
  return {
    key,
    exists: () => Object.hasOwn(obj, key),
    get: () => (Object.hasOwn(obj, key) ? obj[key] : undefined),
    set: (value) => setMember(obj, key, value),
    add: (value) => setMember(obj, key, value),
    remove: () => {
      if (!Object.hasOwn(obj, key)) throw new SlotError(`Unable to remove nonexistent key: ${key}: missing value`);
      delete obj[key];
    },
    canReplace: () => true,
  };
}

function arraySlot(arr: unknown[], key: string): Slot {
  const existing = (): number => {
    const index = parseIndex(key, arr.length);
    if (index === undefined) throw new SlotError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
    if (index < 0 || index >= arr.length) throw new SlotError(`Unable to access invalid index: ${key}: invalid index referenced`);
    return index;
  };
  return {
    key,
    exists: () => safely(existing) !== undefined,
    get: () => arr[existing()],
    set: (value) => void (arr[existing()] = value),
    add: (value) => insertAt(arr, key, value),
    remove: () => void arr.splice(existing(), 1),
    canReplace: () => safely(existing) !== undefined,
  };
}

function insertAt(arr: unknown[], key: string, value: unknown): void {
  if (key === '-') return void arr.push(value);
  const index = parseIndex(key, arr.length + 1);
  if (index === undefined) throw new SlotError(`value was not a proper array index: '${key}': strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  if (index < 0 || index > arr.length) throw new SlotError(`Unable to access invalid index: ${key}: invalid index referenced`);
  arr.splice(index, 0, value);
}

/** An array index; negative ones count back from `length`. Undefined when not an integer. */
function parseIndex(token: string, length: number): number | undefined {
  if (!/^[+-]?\d+$/.test(token)) return undefined;
  const index = Number(token);
  return index < 0 ? index + length : index;
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
