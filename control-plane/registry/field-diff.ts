/**
 * The fields one write changed, as structured-merge-diff's Compare finds them between the live
 * object and the written one: what was added or modified (the writer's from now on) and what was
 * removed (nobody's any more). Paths are FieldsV1's (fields-v1.ts): a map or merge-key list that
 * appears is a member itself besides its members; a merge-key list item is `k:{"name":"web"}`
 * with its fields; other lists and scalars are leaves. Only what differs is reported, built as a
 * FieldsV1 tree as it is found; a subtree is walked only while both sides hold it (and skipped
 * when both hold the same object), so an unchanged object costs one walk and no allocation. Deviation: the top-level `metadata` and `spec` never count as appearing
 * (Kubernetes' Go structs always hold them), other objects do wherever they appear.
 */
import { jsonEqual } from '../../api/json-equal';
import { lookupFieldPatchMeta, type PatchSchema } from '../apiserver/patch/patch-meta';
import { isEmptyFieldsV1, SELF, type FieldPath, type FieldsV1 } from './fields-v1';

type Json = Record<string, unknown>;

interface Meta {
  mergeKey: string;
  schema: PatchSchema;
}

export interface FieldChanges {
  /** Added or modified members, as a FieldsV1 tree: the writer's from now on, and nobody else's. */
  changed: FieldsV1;
  /** Members gone, each with all under it. */
  removed: FieldPath[];
}

/** Top-level members no writer owns through these paths (type meta). */
const TYPE_META = new Set(['apiVersion', 'kind']);
/** Top-level objects always present in Kubernetes' types: never members themselves. */
const ALWAYS_PRESENT = new Set(['metadata', 'spec']);
/** What the server sets in metadata: never anybody's (stripMetaManager). */
export const SERVER_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

export function hasChanges(changes: FieldChanges): boolean {
  return changes.removed.length > 0 || !isEmptyFieldsV1(changes.changed);
}

function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasMembers(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (!isMap(value)) return false;
  for (const _key in value) return true;
  return false;
}

/** The changes found so far, and the path being compared. */
class Walk {
  readonly changed: FieldsV1 = {};
  readonly removed: FieldPath[] = [];
  readonly path: string[] = [];

  /** The current path is gone, with all under it. */
  gone(): void {
    this.removed.push([...this.path]);
  }

  /** The current path's value changed (a leaf), or appeared as `tree`. */
  set(tree: FieldsV1): void {
    let node = this.changed;
    const last = this.path.length - 1;
    for (let i = 0; i < last; i++) node = (node[this.path[i]] ??= {}) as FieldsV1;
    node[this.path[last]] = tree;
  }
}

/**
 * The changes from `before` (undefined: a create) to `after`, among the top-level members
 * `tracked` accepts (a status write tracks `status` only; other writes everything else where
 * the kind has a status subresource).
 */
export function fieldChanges(before: Json | undefined, after: Json, schema: PatchSchema, tracked: (member: string) => boolean): FieldChanges {
  const walk = new Walk();
  const old = before ?? {};
  for (const key of unionKeys(old, after)) {
    if (TYPE_META.has(key) || !tracked(key)) continue;
    const a = old[key];
    const b = after[key];
    if (key === 'metadata') compareMetadata(walk, a, b, schema);
    else if (ALWAYS_PRESENT.has(key) && isMap(b) && (isMap(a) || a === undefined)) {
      walk.path.push(`f:${key}`);
      compareMaps(walk, isMap(a) ? a : {}, b, metaOf(schema, key, b));
      walk.path.pop();
    } else compare(walk, `f:${key}`, a, b, schema, key);
  }
  return { changed: walk.changed, removed: walk.removed };
}

function compareMetadata(walk: Walk, before: unknown, after: unknown, schema: PatchSchema): void {
  const old = isMap(before) ? before : {};
  const next = isMap(after) ? after : {};
  const meta = lookupFieldPatchMeta(schema, 'metadata', 'map').schema;
  walk.path.push('f:metadata');
  for (const key of unionKeys(old, next)) if (!SERVER_METADATA.has(key)) compare(walk, `f:${key}`, old[key], next[key], meta, key);
  walk.path.pop();
}

function unionKeys(a: Json, b: Json): string[] {
  const keys = Object.keys(a);
  for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) keys.push(key);
  return keys;
}

/**
 * Struct field lookups by shape, definition and field: the same few hundred on every write. A
 * struct's fields are its definition's (the typed decoder dropped others), so this stays small;
 * the limit only guards against a definition that lets any field through.
 */
const STRUCT_META = { map: new Map<string, Map<string, Meta>>(), list: new Map<string, Map<string, Meta>>() };
const FIELDS_PER_DEFINITION = 1_000;

/** The merge key and schema of `field` inside `schema`, for a value of `value`'s shape. */
function metaOf(schema: PatchSchema, field: string, value: unknown): Meta {
  const shape = Array.isArray(value) ? 'list' : 'map';
  if (schema.kind !== 'struct') return lookupFieldPatchMeta(schema, field, shape);
  let fields = STRUCT_META[shape].get(schema.definition);
  if (fields === undefined) STRUCT_META[shape].set(schema.definition, (fields = new Map()));
  let meta = fields.get(field);
  if (meta === undefined) {
    meta = lookupFieldPatchMeta(schema, field, shape);
    if (fields.size < FIELDS_PER_DEFINITION) fields.set(field, meta);
  }
  return meta;
}

/** `field` of a parent of schema `parent`, at `element` below the walk's path. */
function compare(walk: Walk, element: string, a: unknown, b: unknown, parent: PatchSchema, field: string): void {
  if (a === b) return;
  walk.path.push(element);
  if (b === undefined) walk.gone();
  else if (a === undefined) walk.set(addedTree(b, metaOf(parent, field, b)));
  else compareValues(walk, a, b, parent, field);
  walk.path.pop();
}

function compareValues(walk: Walk, a: unknown, b: unknown, parent: PatchSchema, field: string): void {
  if (isMap(a) && isMap(b) && (hasMembers(a) || hasMembers(b))) {
    compareMaps(walk, a, b, metaOf(parent, field, b));
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const meta = metaOf(parent, field, b);
    if (keyedList(a, meta) && keyedList(b, meta)) {
      compareLists(walk, a, b, meta);
      return;
    }
  }
  if (jsonEqual(a, b)) return;
  if (hasMembers(a)) walk.gone(); // members of what was there go with it
  walk.set({});
}

function compareMaps(walk: Walk, a: Json, b: Json, meta: Meta): void {
  for (const key of unionKeys(a, b)) {
    const x = a[key];
    const y = b[key];
    if (x !== y) compare(walk, `f:${key}`, x, y, meta.schema, key);
  }
}

/** A list whose items are all objects with the merge key: its items are members by key. */
function keyedList(list: readonly unknown[], meta: Meta): list is Json[] {
  return meta.mergeKey !== '' && list.every((item) => isMap(item) && item[meta.mergeKey] !== undefined);
}

/** `k:{"name":"web"}`. */
function itemElement(item: Json, mergeKey: string): string {
  return `k:{${JSON.stringify(mergeKey)}:${JSON.stringify(item[mergeKey])}}`;
}

function compareLists(walk: Walk, a: Json[], b: Json[], meta: Meta): void {
  const before = new Map<string, Json>();
  for (const item of a) before.set(itemElement(item, meta.mergeKey), item);
  const itemMeta: Meta = { mergeKey: '', schema: meta.schema };
  for (const item of b) {
    const element = itemElement(item, meta.mergeKey);
    const old = before.get(element);
    before.delete(element);
    if (old === item) continue;
    walk.path.push(element);
    if (old === undefined) walk.set(addedTree(item, itemMeta));
    else compareMaps(walk, old, item, itemMeta);
    walk.path.pop();
  }
  for (const element of before.keys()) {
    walk.path.push(element);
    walk.gone();
    walk.path.pop();
  }
}

/** The members of a value that appeared: itself, and each member under it. */
function addedTree(value: unknown, meta: Meta): FieldsV1 {
  if (!hasMembers(value)) return {};
  if (isMap(value)) {
    const tree: FieldsV1 = { [SELF]: {} };
    for (const key in value) {
      const v = value[key];
      if (v !== undefined) tree[`f:${key}`] = addedTree(v, metaOf(meta.schema, key, v));
    }
    return tree;
  }
  if (!Array.isArray(value) || !keyedList(value, meta)) return {};
  const tree: FieldsV1 = { [SELF]: {} };
  const itemMeta: Meta = { mergeKey: '', schema: meta.schema };
  for (const item of value) tree[itemElement(item, meta.mergeKey)] = addedTree(item, itemMeta);
  return tree;
}
