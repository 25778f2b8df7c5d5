/**
 * Field ownership of the writes other than apply (create, update, patch, and the status and
 * scale subresources), as kube-apiserver's fieldmanager records them: an `operation: Update`
 * entry of `metadata.managedFields` per manager, apiVersion and subresource, holding the fields
 * its writes set or changed. A write takes the fields it changed from every other entry (Apply
 * ones too: an update never conflicts) and the fields it removed from all; entries left empty
 * go; the writer's entry gains what it changed and the time of the write. A write that changed
 * nothing leaves the entries as they were (no new time, so no write of its own). Beyond 10
 * Update entries, the oldest are merged into one `ancient-changes` entry per apiVersion
 * (capManagersManager). Entries are kept in Kubernetes' order: Apply first, then by time,
 * manager, apiVersion, subresource.
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
 */
import type { ManagedFieldsEntry } from '../../api/meta';
import { metaTime } from '../../api/meta-time';
import type { FieldChanges } from './field-diff';
import { addPaths, fromFieldsV1, isEmptyFieldsV1, removePath, toFieldsV1, type FieldsV1 } from './fields-v1';

/** Who writes: the entry its changes go to. */
export interface UpdateWriter {
  /** The fieldManager, or what the User-Agent names; '' is left out of the entry, as Go's omitempty does. */
  manager: string;
  /** The object's own apiVersion (a `scale` write's too). */
  apiVersion: string;
  /** `status`, `scale`…; undefined for the object itself. */
  subresource?: string;
  now: Date;
}

/** DefaultMaxUpdateManagers. */
export const MAX_UPDATE_MANAGERS = 10;
/** Where the oldest Update entries are merged beyond the cap. */
export const ANCIENT_CHANGES = 'ancient-changes';

/**
 * The managedFields after `writer` made `changes` to an object whose entries were `base` (the
 * live object's, or the ones the write itself set). `base` is not modified.
 */
export function updateOwnership(base: readonly ManagedFieldsEntry[], changes: FieldChanges, writer: UpdateWriter): ManagedFieldsEntry[] {
  const kept = base.filter((entry) => !isEmptyFieldsV1(entry.fieldsV1));
  if (changes.changed.length === 0 && changes.removed.length === 0) return kept.length === base.length ? [...base] : kept;
  const entries = kept.map((entry) => withoutChanges(entry, changes)).filter((entry) => !isEmptyFieldsV1(entry.fieldsV1));
  if (changes.changed.length > 0) recordWriter(entries, changes, writer);
  return sortEntries(capUpdateEntries(entries));
}

/** A copy of `entry` without what the write changed or removed. */
function withoutChanges(entry: ManagedFieldsEntry, changes: FieldChanges): ManagedFieldsEntry {
  const fields = structuredClone(entry.fieldsV1) as FieldsV1;
  for (const path of changes.removed) removePath(fields, path, true);
  for (const path of changes.changed) removePath(fields, path, false);
  return { ...entry, fieldsV1: fields };
}

function recordWriter(entries: ManagedFieldsEntry[], changes: FieldChanges, writer: UpdateWriter): void {
  const time = metaTime(writer.now);
  const own = entries.find((e) => e.operation === 'Update' && (e.manager ?? '') === writer.manager && e.apiVersion === writer.apiVersion && (e.subresource ?? '') === (writer.subresource ?? ''));
  if (own) {
    addPaths(own.fieldsV1 as FieldsV1, changes.changed);
    own.time = time;
    return;
  }
  entries.push(entryOf(writer.manager, writer.apiVersion, time, toFieldsV1(changes.changed), writer.subresource));
}

/** An Update entry, its members in the order Kubernetes writes them. */
function entryOf(manager: string, apiVersion: string, time: string | undefined, fieldsV1: FieldsV1, subresource: string | undefined): ManagedFieldsEntry {
  const entry: ManagedFieldsEntry = manager === '' ? {} : { manager };
  Object.assign(entry, { operation: 'Update', apiVersion });
  if (time !== undefined) entry.time = time;
  Object.assign(entry, { fieldsType: 'FieldsV1', fieldsV1 });
  if (subresource) entry.subresource = subresource;
  return entry;
}

/** At most MAX_UPDATE_MANAGERS Update entries: the oldest are merged into `ancient-changes` of their apiVersion. */
export function capUpdateEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const updates = entries.filter((e) => e.operation !== 'Apply' && !isBucket(e));
  let count = entries.filter((e) => e.operation !== 'Apply').length;
  if (count <= MAX_UPDATE_MANAGERS) return entries;
  const merged = new Set<ManagedFieldsEntry>();
  for (const entry of updates.sort(byAge)) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const bucket = entries.find((e) => isBucket(e) && e.apiVersion === entry.apiVersion);
    if (bucket) {
      addPaths(bucket.fieldsV1 as FieldsV1, fromFieldsV1(entry.fieldsV1));
      if ((entry.time ?? '') > (bucket.time ?? '')) bucket.time = entry.time;
      count--;
    } else entries.push(entryOf(ANCIENT_CHANGES, entry.apiVersion ?? '', entry.time, structuredClone(entry.fieldsV1) as FieldsV1, undefined));
    merged.add(entry);
  }
  return entries.filter((e) => !merged.has(e));
}

function isBucket(entry: ManagedFieldsEntry): boolean {
  return entry.manager === ANCIENT_CHANGES && entry.operation === 'Update' && !entry.subresource;
}

function byAge(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  return compareStrings(a.time ?? '', b.time ?? '') || compareStrings(identity(a), identity(b));
}

/** The manager identifier Kubernetes keys entries by (BuildManagerIdentifier): JSON of who, without fields or time. */
function identity(e: ManagedFieldsEntry): string {
  return JSON.stringify({ manager: e.manager || undefined, operation: e.operation, apiVersion: e.operation === 'Apply' ? undefined : e.apiVersion, subresource: e.subresource || undefined });
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sortEncodedManagedFields: operation (Apply before Update), time, manager, apiVersion, subresource. */
export function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.sort((a, b) =>
    compareStrings(a.operation ?? '', b.operation ?? '') || compareStrings(a.time ?? '', b.time ?? '') || compareStrings(a.manager ?? '', b.manager ?? '')
    || compareStrings(a.apiVersion ?? '', b.apiVersion ?? '') || compareStrings(a.subresource ?? '', b.subresource ?? ''));
}
