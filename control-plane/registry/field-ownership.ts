/**
 * Server-side apply's field ownership (structured-merge-diff, as kube-apiserver's fieldmanager
 * uses it), for appliers: each `Apply` entry of `metadata.managedFields` holds, as FieldsV1,
 * the fields its manager applied. Applying a field another manager owns (an applier, or a writer
 * whose `Update` entry holds it: update-ownership.ts) with a different value is a conflict (409,
 * `Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using
 * apps/v1: .spec.replicas`) unless forced, which takes the field over; equal values are shared.
 * A field the manager applied before and applies no more, that nobody else owns, is removed from
 * the object. Fields are leaves of the applied configuration: object members (`f:name`), and
 * items of lists with a merge key in built-in kinds (`k:{"name":"web"}`); other lists are owned
 * whole. Writes other than apply record `Update` entries (update-ownership.ts), which take the
 * fields they change from appliers too. https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */
import { ApiError } from '../../api/errors';
import type { KubeObject, ManagedFieldsEntry } from '../../api/meta';
import { metaTime } from '../../api/meta-time';
import { kindPatchSchema, lookupFieldPatchMeta, UNKNOWN_SCHEMA, type PatchSchema } from '../apiserver/patch/patch-meta';
import { SERVER_METADATA } from './field-diff';
import { fromFieldsV1, pathKey as keyOf, toFieldsV1, type FieldPath } from './fields-v1';
import { sortEntries } from './update-ownership';

type Json = Record<string, unknown>;

/** Type meta, and status (reset by an apply to the object itself, so never owned through it). */
const NOT_OWNED = new Set(['apiVersion', 'kind', 'status']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The leaf fields of an applied configuration. */
export function appliedFields(config: KubeObject, kindKey: string): FieldPath[] {
  const out: FieldPath[] = [];
  const schema = kindPatchSchema(kindKey) ?? UNKNOWN_SCHEMA;
  for (const [key, value] of Object.entries(config as unknown as Json)) {
    if (NOT_OWNED.has(key)) continue;
    if (key !== 'metadata' || !isObject(value)) {
      collect(value, [`f:${key}`], metaOf(schema, key, value), out);
      continue;
    }
    const metadata = lookupFieldPatchMeta(schema, 'metadata', 'map').schema;
    for (const [m, v] of Object.entries(value)) if (!SERVER_METADATA.has(m)) collect(v, ['f:metadata', `f:${m}`], metaOf(metadata, m, v), out);
  }
  return out;
}

/** The merge key and schema of `field` inside `schema`, for a value of `value`'s shape. */
function metaOf(schema: PatchSchema, field: string, value: unknown): { mergeKey: string; schema: PatchSchema } {
  return lookupFieldPatchMeta(schema, field, Array.isArray(value) ? 'list' : 'map');
}

function collect(value: unknown, path: FieldPath, meta: { mergeKey: string; schema: PatchSchema }, out: FieldPath[]): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, v] of Object.entries(value)) collect(v, [...path, `f:${key}`], metaOf(meta.schema, key, v), out);
    return;
  }
  if (Array.isArray(value) && meta.mergeKey && value.every((item) => isObject(item) && item[meta.mergeKey] !== undefined)) {
    for (const item of value as Json[]) {
      const itemPath = [...path, `k:${JSON.stringify({ [meta.mergeKey]: item[meta.mergeKey] })}`];
      const members = Object.entries(item).filter(([k]) => k !== meta.mergeKey);
      if (members.length === 0) out.push(itemPath);
      for (const [k, v] of members) collect(v, [...itemPath, `f:${k}`], metaOf(meta.schema, k, v), out);
    }
    return;
  }
  out.push(path);
}

/** The value at a path of an object; undefined when absent. */
function valueAt(object: unknown, path: FieldPath): unknown {
  let at: unknown = object;
  for (const element of path) {
    if (element.startsWith('f:')) at = isObject(at) ? at[element.slice(2)] : undefined;
    else at = Array.isArray(at) ? at.find((item) => matchesKey(item, element)) : undefined;
    if (at === undefined) return undefined;
  }
  return at;
}

function matchesKey(item: unknown, element: string): boolean {
  const key = JSON.parse(element.slice(2)) as Json;
  return isObject(item) && Object.entries(key).every(([k, v]) => item[k] === v);
}

/** `.data.a`, `.spec.containers[name="web"].image`: as the conflict message prints a path. */
function printPath(path: FieldPath): string {
  return path.map((e) => (e.startsWith('f:') ? `.${e.slice(2)}` : `[${Object.entries(JSON.parse(e.slice(2)) as Json).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`)).join('');
}

// ---- apply ------------------------------------------------------------------------------

export interface ApplyOwnership {
  manager: string;
  force: boolean;
  apiVersion: string;
  now: Date;
  /** The kind's patch key (`apps/v1/Deployment`), for reading a last-applied configuration. */
  kindKey: string;
}

/** The only applier whose conflicts a client-side apply's annotation may excuse (lastAppliedManager). */
const CLIENT_SIDE_UPGRADER = 'kubectl';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The managedFields after `applier` applied `config` onto `current`:
 * conflicts refused unless forced, forced fields taken from their owners. Also returns the
 * fields the applier gave up that nobody else owns (to be removed from the object).
 */
export function applyOwnership(current: KubeObject | undefined, config: KubeObject, fields: FieldPath[], applier: ApplyOwnership): { managedFields: ManagedFieldsEntry[]; released: FieldPath[] } {
  const entries = current?.metadata.managedFields ?? [];
  const applied = new Set(fields.map(keyOf));
  const others = entries.filter((e) => !(e.manager === applier.manager && e.operation === 'Apply'));
  const conflicts = others.flatMap((entry) => fromFieldsV1(entry.fieldsV1)
    .filter((path) => applied.has(keyOf(path)) && !sameValue(valueAt(current, path), valueAt(config, path)))
    .map((path) => ({ entry, path })));
  if (conflicts.length > 0 && !applier.force) refuseConflicts(current, conflicts, applier);
  const taken = new Set(conflicts.map((c) => keyOf(c.path)));
  const kept = others.map((entry) => withoutPaths(entry, taken)).filter((entry) => fromFieldsV1(entry.fieldsV1).length > 0);
  const ownedByOthers = new Set(kept.flatMap((e) => fromFieldsV1(e.fieldsV1).map(keyOf)));
  const previous = entries.find((e) => e.manager === applier.manager && e.operation === 'Apply');
  const retained = [...applied, ...ownedByOthers];
  const released = releasedUnits(leavesOf(fromFieldsV1(previous?.fieldsV1)).filter((p) => !applied.has(keyOf(p)) && !ownedByOthers.has(keyOf(p))), retained);
  const own: ManagedFieldsEntry = { manager: applier.manager, operation: 'Apply', apiVersion: applier.apiVersion, time: metaTime(applier.now), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(fields) };
  return { managedFields: sortEntries([...kept, own]), released };
}

/**
 * Throws the 409 of the conflicts, unless they are what a client-side apply set: `kubectl apply
 * --server-side` after `kubectl apply` takes over, without conflicts, the fields of the
 * last-applied annotation whose live value is still the one it says (lastAppliedManager: the
 * upgrade from client-side to server-side apply). Returns when the apply may go on, forced.
 */
function refuseConflicts(current: KubeObject | undefined, conflicts: Conflict[], applier: ApplyOwnership): void {
  const allowed = applier.manager === CLIENT_SIDE_UPGRADER ? clientSideApplied(current, applier.kindKey) : undefined;
  const remaining = allowed ? conflicts.filter((c) => !allowed.has(keyOf(c.path))) : conflicts;
  if (remaining.length > 0) throw conflictError(remaining);
}

/** The fields of the last-applied annotation whose live value is the one it holds; undefined without one. */
function clientSideApplied(current: KubeObject | undefined, kindKey: string): Set<string> | undefined {
  const text = current?.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || !isObject(lastApplied.metadata)) return undefined;
  const config = lastApplied as unknown as KubeObject;
  return new Set(appliedFields(config, kindKey).filter((path) => sameValue(valueAt(current, path), valueAt(config, path))).map(keyOf));
}

/**
 * The members with no member below them. An inner member (a map owned as itself, `.`) is never
 * removed whole when released: its leaves are, and what others own or nobody owns under it stays.
 */
function leavesOf(paths: readonly FieldPath[]): FieldPath[] {
  const inner = new Set<string>();
  for (const path of paths) for (let i = 1; i < path.length; i++) inner.add(keyOf(path.slice(0, i)));
  return paths.filter((path) => !inner.has(keyOf(path)));
}

/**
 * What to remove for the released leaves: a merge-key list item none of whose fields anyone
 * keeps goes whole (a container no longer applied), not field by field.
 */
function releasedUnits(leaves: FieldPath[], retained: readonly string[]): FieldPath[] {
  const units = new Map<string, FieldPath>();
  for (const leaf of leaves) {
    const itemEnd = leaf.findIndex((e, i) => e.startsWith('k:') && !retained.some((r) => r.startsWith(`${keyOf(leaf.slice(0, i + 1))}`)));
    const unit = itemEnd >= 0 ? leaf.slice(0, itemEnd + 1) : leaf;
    units.set(keyOf(unit), unit);
  }
  return [...units.values()];
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function withoutPaths(entry: ManagedFieldsEntry, taken: Set<string>): ManagedFieldsEntry {
  const paths = fromFieldsV1(entry.fieldsV1).filter((p) => !taken.has(keyOf(p)));
  return { ...entry, fieldsV1: toFieldsV1(paths) };
}

interface Conflict {
  entry: ManagedFieldsEntry;
  path: FieldPath;
}

function conflictError(conflicts: Conflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${ownerOf(c.entry)}`, field: printPath(c.path) }));
  const detail = conflicts.length === 1 ? `${causes[0].message}: ${causes[0].field}` : groupedConflicts(conflicts.map((c) => ({ owner: ownerOf(c.entry), path: printPath(c.path) })));
  const count = conflicts.length === 1 ? '1 conflict' : `${conflicts.length} conflicts`;
  return new ApiError('Conflict', `Apply failed with ${count}: ${detail}`, {}, causes);
}

/** As the fieldmanager's printManager names an entry: `"bob"`, `"kubectl-scale" with subresource "scale" using apps/v1`. */
function ownerOf(entry: ManagedFieldsEntry): string {
  const who = JSON.stringify(entry.manager ?? '') + (entry.subresource ? ` with subresource ${JSON.stringify(entry.subresource)}` : '');
  return entry.operation === 'Apply' ? who : `${who} using ${entry.apiVersion ?? ''}`;
}

/** As structured-merge-diff prints several: per manager, `conflicts with "x":` then `- path` lines. */
function groupedConflicts(conflicts: { owner: string; path: string }[]): string {
  const owners = [...new Set(conflicts.map((c) => c.owner))].sort();
  return owners.flatMap((owner) => [`conflicts with ${owner}:`, ...conflicts.filter((c) => c.owner === owner).map((c) => `- ${c.path}`)]).join('\n');
}

/** Removes the released fields from the merged object (members, or merge-key list items). */
export function removeReleased(object: KubeObject, released: readonly FieldPath[]): void {
  for (const path of released) {
    const parent = valueAt(object, path.slice(0, -1));
    const last = path[path.length - 1];
    if (last.startsWith('f:') && isObject(parent)) delete parent[last.slice(2)];
    else if (Array.isArray(parent)) {
      const index = parent.findIndex((item) => matchesKey(item, last));
      if (index >= 0) parent.splice(index, 1);
    }
  }
}
