/**
 * Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), applied as
 * the apiserver applies it (k8s.io/apimachinery strategicpatch, StrategicMergeMapPatch with
 * MergeParallelList and IgnoreUnmatchedNulls). kubectl apply sends these for built-in kinds.
 *
 * - A null member deletes; objects merge recursively; scalars and lists without a merge
 *   strategy are replaced.
 * - Lists with patchStrategy merge: items with a patchMergeKey (containers by name) are
 *   merged item by item; scalar lists (finalizers) become the union.
 * - Directives: `$patch: replace | delete` on an object, `$patch: delete | replace` as a list
 *   item, `$retainKeys: [...]` (clear the other fields), `$setElementOrder/<list>: [...]`
 *   (final order), `$deleteFromPrimitiveList/<list>: [...]` (remove scalars).
 * https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 *
 * Where Go would decode the result into a typed object, directive keys left in the result
 * (for example inside an item appended whole) are removed before returning, because pikube
 * stores JSON as is.
 */
import { cloneJson, isJsonObject, jsonEqual, setMember, type JsonObject } from './json-value';
import {
  kindPatchSchema,
  lookupFieldPatchMeta,
  schemaName,
  UNKNOWN_SCHEMA,
  type FieldPatchMeta,
  type PatchSchema,
} from './patch-meta';
import { goTypeName, smpErrors } from './strategic-merge-errors';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/**
 * Applies `patch` to a copy of `original`, an object of the kind named by `kind`
 * ('v1/Pod', 'apps/v1/Deployment'; see kindKey). Kinds without a field model are patched
 * with directives honoured and every list replaced. Malformed patches throw ApiError.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: string): JsonObject {
  if (!isJsonObject(patch)) throw smpErrors.badJsonDoc();
  const base = isJsonObject(original) ? cloneJson(original) : {};
  const merged = mergeMap(base, cloneJson(patch), kindPatchSchema(kind) ?? UNKNOWN_SCHEMA);
  return stripDirectives(merged) as JsonObject;
}

/** Whether strategic merge patches of this kind use its declared merge keys and strategies. */
export function hasStrategicMergeSchema(kind: string): boolean {
  return kindPatchSchema(kind) !== undefined;
}

/** Merges `patch` into `original`; both are owned (mutated) by this call. */
function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);
  for (const [key, value] of Object.entries(patch)) mergeField(original, key, value, schema);
  return original;
}

function mapDirective(patch: JsonObject): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw smpErrors.badPatchType(directive, patch);
}

function mergeField(original: JsonObject, patchKey: string, value: unknown, schema: PatchSchema): void {
  const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
  const key = isDeleteList ? keyAfterPrefix(patchKey, DELETE_FROM_PRIMITIVE_LIST) : patchKey;
  if (value === null) return void delete original[key];
  if (!Object.hasOwn(original, key) || jsonKind(original[key]) !== jsonKind(value)) {
    if (!isDeleteList) setFromPatch(original, key, value);
    return;
  }
  const merged = mergeValue(original[key], value, lookupFor(schema, key, value), isDeleteList);
  if (merged === undefined) delete original[key];
  else setMember(original, key, merged);
}

/** Takes a patch value whole: nulls dropped, items carrying a directive removed. */
function setFromPatch(target: JsonObject, key: string, value: unknown): void {
  discardNulls(value);
  const [kept, keep] = removeDirectives(value);
  if (keep) setMember(target, key, kept);
  else delete target[key];
}

function lookupFor(schema: PatchSchema, key: string, value: unknown): FieldPatchMeta {
  return lookupFieldPatchMeta(schema, key, Array.isArray(value) ? 'list' : 'map');
}

function mergeValue(current: unknown, value: unknown, meta: FieldPatchMeta, isDeleteList: boolean): unknown {
  const strategy = otherStrategy(meta);
  if (isJsonObject(current) && isJsonObject(value)) return strategy === 'replace' ? value : mergeMap(current, value, meta.schema);
  if (Array.isArray(current) && Array.isArray(value)) return mergeListField(current, value, meta, isDeleteList);
  const [kept, keep] = removeDirectives(value);
  return keep ? kept : undefined;
}

/** The strategy besides retainKeys (which only matters to the client computing patches). */
function otherStrategy(meta: FieldPatchMeta): string {
  return meta.strategies.find((s) => s !== 'retainKeys') ?? '';
}

function mergeListField(current: unknown[], value: unknown[], meta: FieldPatchMeta, isDeleteList: boolean): unknown[] {
  if (otherStrategy(meta) === 'merge' || isDeleteList) return mergeList(current, value, meta, isDeleteList);
  return value;
}

// ---- $retainKeys ------------------------------------------------------------------------

/** Clears fields of `original` not named by the patch's $retainKeys (which must name every field the patch sets). */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw smpErrors.badRetainKeysFormat();
  const kept = new Set(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || isParallelListKey(key)) continue;
    if (!kept.has(key)) throw smpErrors.badRetainKeysFormat();
  }
  for (const key of Object.keys(original)) if (!kept.has(key)) delete original[key];
}

function isParallelListKey(key: string): boolean {
  return key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER);
}

function keyAfterPrefix(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === SET_ELEMENT_ORDER ? smpErrors.badSetElementOrderFormat() : smpErrors.badPrimitiveListFormat();
  }
  return key.slice(slash + 1);
}

// ---- $setElementOrder -----------------------------------------------------------------

/** Merges each list named by a $setElementOrder directive, then orders it as the directive says. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: PatchSchema): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw smpErrors.badArgType('[]interface {}', order);
    const key = keyAfterPrefix(directiveKey, SET_ELEMENT_ORDER);
    orderList(original, patch, key, order, lookupFieldPatchMeta(schema, key, 'list'));
  }
}

function orderList(original: JsonObject, patch: JsonObject, key: string, order: unknown[], meta: FieldPatchMeta): void {
  const current = listAt(original, key);
  const patchList = listAt(patch, key);
  validateOrder(patchList ?? [], order, meta.mergeKey);
  const merged = mergedForOrder(current, patchList, meta);
  if (merged === undefined) return;
  if (merged.length === 0 && !current?.length && !patchList?.length) return setMember(original, key, merged);
  const kind = elementKind([current ?? [], patchList ?? []]);
  const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey);
  setMember(original, key, normalizeOrder(patchItems, serverOnly, order, current ?? [], meta.mergeKey, kind));
  delete patch[key];
}

function listAt(obj: JsonObject, key: string): unknown[] | undefined {
  if (!Object.hasOwn(obj, key)) return undefined;
  const value = obj[key];
  if (!Array.isArray(value)) throw smpErrors.badArgType('[]interface {}', value);
  return value;
}

function mergedForOrder(current: unknown[] | undefined, patchList: unknown[] | undefined, meta: FieldPatchMeta): unknown[] | undefined {
  if (current && patchList) return mergeListField(current, patchList, meta, false);
  if (current) return current;
  if (patchList) return removeDirectives(patchList)[0] as unknown[];
  return undefined;
}

/**
 * The items of the patch list (deletions aside) must appear in the directive's order;
 * the directive may name more items than the patch carries.
 */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletions(patchList)[0] : patchList;
  let p = 0;
  for (let o = 0; p < items.length && o < order.length; o++) {
    while (p < items.length && hasDirective(items[p])) p++;
    if (p < items.length && mergeKeyEqual(items[p], order[o], mergeKey)) p++;
  }
  while (p < items.length && hasDirective(items[p])) p++;
  if (p < items.length) throw smpErrors.orderMismatch(patchList, order);
}

function mergeKeyEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isJsonObject(left)) throw smpErrors.badArgType('map[string]interface {}', left);
  if (!isJsonObject(right)) throw smpErrors.badArgType('map[string]interface {}', right);
  if (!Object.hasOwn(left, mergeKey)) throw smpErrors.noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw smpErrors.noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

// ---- lists --------------------------------------------------------------------------------

type ElementKind = 'map' | 'scalar';

/** Merges two lists of a field with the merge strategy (or a $deleteFromPrimitiveList list). */
function mergeList(current: unknown[], patch: unknown[], meta: FieldPatchMeta, isDeleteList: boolean): unknown[] {
  if (current.length === 0 && patch.length === 0) return current;
  const kind = elementKind([current, patch]);
  if (kind === 'scalar') {
    if (isDeleteList) return current.filter((item) => !patch.some((p) => p === item));
    return orderMerged(dedupe([...current, ...patch]), current, patch, '', kind);
  }
  if (!meta.mergeKey) throw smpErrors.noMergeKeyForList(schemaName(meta.schema));
  const [remaining, patchItems] = applyListDirectives(current, patch, meta.mergeKey);
  const merged = mergeItems([...remaining], patchItems, meta.mergeKey, meta.schema);
  return orderMerged(merged, remaining, patchItems, meta.mergeKey, kind);
}

/** Patch items first in patch order, server-only items woven in by their server order. */
function orderMerged(merged: unknown[], serverOrder: unknown[], patch: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const [patchItems, serverOnly] = partition(merged, patch, mergeKey);
  return normalizeOrder(patchItems, serverOnly, patch, serverOrder, mergeKey, kind);
}

/** The kind of the lists' elements, which must all be the same (and not lists). */
function elementKind(lists: unknown[][]): ElementKind {
  let first: string | undefined;
  for (const item of lists.flat()) {
    const kind = jsonKind(item);
    if (first === undefined && kind === 'list') throw smpErrors.noListOfLists();
    if (first !== undefined && kind !== first) throw smpErrors.mixedElementTypes(lists);
    first = kind;
  }
  if (first === undefined) throw smpErrors.noElements();
  return first === 'map' ? 'map' : 'scalar';
}

/** Applies `$patch: delete` items and `$patch: replace`; returns the current list left and the plain patch items. */
function applyListDirectives(current: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let remaining = current;
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, DIRECTIVE)) plain.push(item);
    else if (item[DIRECTIVE] === 'delete') remaining = deleteByKey(remaining, item, mergeKey);
    else if (item[DIRECTIVE] === 'replace') replace = true;
    else if (item[DIRECTIVE] === 'merge') throw smpErrors.mergeDirectiveInList();
    else throw smpErrors.badPatchType(item[DIRECTIVE], item);
  }
  return replace ? [plain, []] : [remaining, plain];
}

function deleteByKey(list: unknown[], item: JsonObject, mergeKey: string): unknown[] {
  if (!Object.hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
  return list.filter((entry, i) => mapAt(entry, i)[mergeKey] !== item[mergeKey]);
}

function mapAt(entry: unknown, index: number): JsonObject {
  if (!isJsonObject(entry)) throw smpErrors.notMap(index);
  return entry;
}

/** Merges each patch item into the current item with the same merge key, or appends it. */
function mergeItems(current: unknown[], patch: unknown[], mergeKey: string, schema: PatchSchema): unknown[] {
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
    const index = current.findIndex((entry, i) => mapAt(entry, i)[mergeKey] === item[mergeKey]);
    if (index >= 0) current[index] = mergeMap(current[index] as JsonObject, item, schema);
    else current.push(item);
  }
  return current;
}

/** Splits `merged` into the items present in `by` and the others (server-only). */
function partition(merged: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const [i, item] of merged.entries()) {
    const found = mergeKey ? containsKey(by, keyValue(item, i, mergeKey), mergeKey) : by.some((p) => jsonEqual(p, item));
    (found ? inPatch : serverOnly).push(item);
  }
  return [inPatch, serverOnly];
}

function keyValue(item: unknown, index: number, mergeKey: string): unknown {
  if (!isJsonObject(item)) throw smpErrors.badArgType('map[string]interface {}', item);
  if (!Object.hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
  return item[mergeKey];
}

function containsKey(list: unknown[], value: unknown, mergeKey: string): boolean {
  return list.some((entry, i) => mapAt(entry, i)[mergeKey] === value);
}

// ---- ordering -----------------------------------------------------------------------------

/**
 * Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`, then
 * interleaves them: a server-only item goes before a patch item only when it came before it
 * on the server. Relative orders within each group are kept.
 */
function normalizeOrder(
  patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind,
): unknown[] {
  const sortedPatch = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return interleave(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

function sortByOrder(items: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let toSort = items;
  let deletions: unknown[] = [];
  if (kind === 'map') {
    requireMergeKeys(mergeKey, [items, order]);
    [toSort, deletions] = splitDeletions(items);
  }
  const ranked = toSort.map((item, i) => ({ item, i, rank: indexIn(order, item, mergeKey, kind) }));
  ranked.sort((a, b) => (a.rank >= 0 && b.rank >= 0 && a.rank !== b.rank ? a.rank - b.rank : a.i - b.i));
  return [...ranked.map((r) => r.item), ...deletions];
}

function requireMergeKeys(mergeKey: string, lists: unknown[][]): void {
  for (const item of lists.flat()) {
    if (!isJsonObject(item)) throw smpErrors.badArgType('map[string]interface {}', item);
    if (!Object.hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
  }
}

function splitDeletions(items: unknown[]): [unknown[], unknown[]] {
  const kept: unknown[] = [];
  const deletions: unknown[] = [];
  for (const item of items) {
    if (!isJsonObject(item)) throw smpErrors.badArgType('map[string]interface {}', item);
    (item[DIRECTIVE] === 'delete' ? deletions : kept).push(item);
  }
  return [kept, deletions];
}

function interleave(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length || (i < left.length && goesBefore(left[i], right[j], serverOrder, mergeKey, kind))) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

function goesBefore(l: unknown, r: unknown, serverOrder: unknown[], mergeKey: string, kind: ElementKind): boolean {
  const li = indexIn(serverOrder, l, mergeKey, kind);
  const ri = indexIn(serverOrder, r, mergeKey, kind);
  return li >= 0 && ri >= 0 && li < ri;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  if (kind !== 'map') return list.findIndex((entry) => entry === item);
  const value = isJsonObject(item) ? item[mergeKey] : undefined;
  return list.findIndex((entry) => isJsonObject(entry) && entry[mergeKey] === value);
}

// ---- values -------------------------------------------------------------------------------

/** The JSON type of a value, as Go's reflect.TypeOf distinguishes decoded values. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (isJsonObject(value)) return 'map';
  return goTypeName(value) === 'int64' ? 'float64' : goTypeName(value);
}

function dedupe(items: unknown[]): unknown[] {
  return items.filter((item, i) => items.findIndex((other) => other === item) === i);
}

function hasDirective(item: unknown): boolean {
  return isJsonObject(item) && Object.hasOwn(item, DIRECTIVE);
}

/** Removes null members, recursively (through lists too). */
function discardNulls(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(discardNulls);
  if (!isJsonObject(value)) return;
  for (const [key, member] of Object.entries(value)) {
    if (member === null) delete value[key];
    else discardNulls(member);
  }
}

/** Drops objects carrying `$patch` (and the members holding them); returns [value, keep]. */
function removeDirectives(value: unknown): [unknown, boolean] {
  if (Array.isArray(value)) return [value.map((v) => removeDirectives(v)).filter(([, keep]) => keep).map(([v]) => v), true];
  if (!isJsonObject(value)) return [value, true];
  if (Object.hasOwn(value, DIRECTIVE)) return [undefined, false];
  for (const [key, member] of Object.entries(value)) {
    const [kept, keep] = removeDirectives(member);
    if (keep) setMember(value, key, kept);
    else delete value[key];
  }
  return [value, true];
}

/** Removes directive members left in a merged result, which a typed decode would drop. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  for (const key of Object.keys(value)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || isParallelListKey(key)) delete value[key];
    else setMember(value, key, stripDirectives(value[key]));
  }
  return value;
}
