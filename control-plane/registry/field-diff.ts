/**
 * The fields one write changed, as structured-merge-diff's Compare finds them between the live
 * object and the written one: what was added or modified (the writer's from now on) and what was
 * removed (nobody's any more). Paths are FieldsV1's (fields-v1.ts): a map or merge-key list that
 * appears is a member itself besides its members; a merge-key list item is `k:{"name":"web"}`
 * with its fields; other lists and scalars are leaves. Only what differs is reported, and a
 * subtree is walked only while both sides hold it, so an unchanged object costs one walk and
 * no allocation. Deviation: the top-level `metadata` and `spec` never count as appearing
 * (Kubernetes' Go structs always hold them), other objects do wherever they appear.
 */
import { jsonEqual } from '../../api/json-equal';
import { lookupFieldPatchMeta, type PatchSchema } from '../apiserver/patch/patch-meta';
import type { FieldPath } from './fields-v1';

type Json = Record<string, unknown>;

interface Meta {
  mergeKey: string;
  schema: PatchSchema;
}

export interface FieldChanges {
  /** Added or modified members: the writer's from now on, and nobody else's. */
  changed: FieldPath[];
  /** Members gone, each with all under it. */
  removed: FieldPath[];
}

/** Top-level members no writer owns through these paths (type meta). */
const TYPE_META = new Set(['apiVersion', 'kind']);
/** Top-level objects always present in Kubernetes' types: never members themselves. */
const ALWAYS_PRESENT = new Set(['metadata', 'spec']);
/** What the server sets in metadata: never anybody's (stripMetaManager). */
export const SERVER_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasMembers(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (!isMap(value)) return false;
  for (const _key in value) return true;
  return false;
}

/**
 * The changes from `before` (undefined: a create) to `after`, among the top-level members
 * `tracked` accepts (a status write tracks `status` only; other writes everything else where
 * the kind has a status subresource).
 */
export function fieldChanges(before: Json | undefined, after: Json, schema: PatchSchema, tracked: (member: string) => boolean): FieldChanges {
  const out: FieldChanges = { changed: [], removed: [] };
  const old = before ?? {};
  for (const key of unionKeys(old, after)) {
    if (TYPE_META.has(key) || !tracked(key)) continue;
    if (key === 'metadata') compareMetadata(old.metadata, after.metadata, schema, out);
    else if (ALWAYS_PRESENT.has(key) && isMap(after[key]) && (isMap(old[key]) || old[key] === undefined)) compareMaps(['f:' + key], isMap(old[key]) ? (old[key] as Json) : {}, after[key] as Json, metaOf(schema, key, after[key]), out);
    else compare([`f:${key}`], old[key], after[key], schema, key, out);
  }
  return out;
}

function compareMetadata(before: unknown, after: unknown, schema: PatchSchema, out: FieldChanges): void {
  const old = isMap(before) ? before : {};
  const next = isMap(after) ? after : {};
  const meta = lookupFieldPatchMeta(schema, 'metadata', 'map').schema;
  for (const key of unionKeys(old, next)) if (!SERVER_METADATA.has(key)) compare(['f:metadata', `f:${key}`], old[key], next[key], meta, key, out);
}

function unionKeys(a: Json, b: Json): string[] {
  const keys = Object.keys(a);
  for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) keys.push(key);
  return keys;
}

/** The merge key and schema of `field` inside `schema`, for a value of `value`'s shape. */
function metaOf(schema: PatchSchema, field: string, value: unknown): Meta {
  return lookupFieldPatchMeta(schema, field, Array.isArray(value) ? 'list' : 'map');
}

/** `field` of a parent of schema `parent`, at `path`. */
function compare(path: FieldPath, a: unknown, b: unknown, parent: PatchSchema, field: string, out: FieldChanges): void {
  if (a === b) return;
  if (b === undefined) {
    out.removed.push(path);
    return;
  }
  if (a === undefined) {
    added(path, b, metaOf(parent, field, b), out);
    return;
  }
  if (isMap(a) && isMap(b) && (hasMembers(a) || hasMembers(b))) {
    compareMaps(path, a, b, metaOf(parent, field, b), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const meta = metaOf(parent, field, b);
    if (keyedList(a, meta) && keyedList(b, meta)) {
      compareLists(path, a, b, meta, out);
      return;
    }
  }
  if (!jsonEqual(a, b)) {
    if (hasMembers(a)) out.removed.push(path); // members of what was there go with it
    out.changed.push(path);
  }
}

function compareMaps(path: FieldPath, a: Json, b: Json, meta: Meta, out: FieldChanges): void {
  for (const key of unionKeys(a, b)) {
    const x = a[key];
    const y = b[key];
    if (x !== y) compare([...path, `f:${key}`], x, y, meta.schema, key, out);
  }
}

/** A list whose items are all objects with the merge key: its items are members by key. */
function keyedList(list: readonly unknown[], meta: Meta): list is Json[] {
  return meta.mergeKey !== '' && list.every((item) => isMap(item) && item[meta.mergeKey] !== undefined);
}

function itemElement(item: Json, mergeKey: string): string {
  return `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`;
}

function compareLists(path: FieldPath, a: Json[], b: Json[], meta: Meta, out: FieldChanges): void {
  const before = new Map(a.map((item) => [itemElement(item, meta.mergeKey), item]));
  const itemMeta: Meta = { mergeKey: '', schema: meta.schema };
  for (const item of b) {
    const element = itemElement(item, meta.mergeKey);
    const old = before.get(element);
    before.delete(element);
    if (old === undefined) added([...path, element], item, itemMeta, out);
    else if (old !== item) compareMaps([...path, element], old, item, itemMeta, out);
  }
  for (const element of before.keys()) out.removed.push([...path, element]);
}

/** A value that appeared: itself, and each member under it. */
function added(path: FieldPath, value: unknown, meta: Meta, out: FieldChanges): void {
  out.changed.push(path);
  if (isMap(value)) {
    for (const [key, v] of Object.entries(value)) if (v !== undefined) added([...path, `f:${key}`], v, metaOf(meta.schema, key, v), out);
    return;
  }
  if (Array.isArray(value) && value.length > 0 && keyedList(value, meta)) {
    const itemMeta: Meta = { mergeKey: '', schema: meta.schema };
    for (const item of value) added([...path, itemElement(item, meta.mergeKey)], item, itemMeta, out);
  }
}
