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
import { hasChanges, type FieldChanges } from './field-diff';
import { hasPath, isEmptyFieldsV1, removePath, subtractFields, unionFields, type FieldsV1 } from './fields-v1';

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
 * live object's, or the ones the write itself set). Neither `base` nor its entries are modified:
 * an entry the write does not touch is kept as it is, the others are copied.
 */
export function updateOwnership(base: readonly ManagedFieldsEntry[], changes: FieldChanges, writer: UpdateWriter): ManagedFieldsEntry[] {
  const kept = base.filter((entry) => !isEmptyFieldsV1(entry.fieldsV1));
  if (!hasChanges(changes)) return kept.length === base.length ? [...base] : kept;
  const entries: ManagedFieldsEntry[] = [];
  for (const entry of kept) {
    const fields = withoutChanges(entry.fieldsV1 as FieldsV1, changes);
    if (fields !== undefined) entries.push(fields === entry.fieldsV1 ? entry : { ...entry, fieldsV1: fields });
  }
  if (!isEmptyFieldsV1(changes.changed)) recordWriter(entries, changes.changed, writer);
  return sortEntries(capUpdateEntries(entries));
}

/** `fields` without what the write changed or removed: the same tree when it held none of it; undefined when nothing is left. */
function withoutChanges(fields: FieldsV1, changes: FieldChanges): FieldsV1 | undefined {
  let tree = subtractFields(fields, changes.changed);
  for (const path of changes.removed) {
    if (tree === undefined || !hasPath(tree, path)) continue;
    if (tree === fields) tree = structuredClone(fields);
    removePath(tree, path, true);
    if (isEmptyFieldsV1(tree)) return undefined;
  }
  return tree;
}

function recordWriter(entries: ManagedFieldsEntry[], changed: FieldsV1, writer: UpdateWriter): void {
  const time = secondOf(writer.now);
  const index = entries.findIndex((e) => e.operation === 'Update' && (e.manager ?? '') === writer.manager && e.apiVersion === writer.apiVersion && (e.subresource ?? '') === (writer.subresource ?? ''));
  if (index >= 0) entries[index] = { ...entries[index], time, fieldsV1: unionFields(entries[index].fieldsV1 as FieldsV1, changed) };
  else entries.push(entryOf(writer.manager, writer.apiVersion, time, changed, writer.subresource));
}

/** The last time formatted, by second: most writes of a busy server fall in the same second as the one before. */
let lastSecond = { second: NaN, text: '' };

function secondOf(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastSecond.second) lastSecond = { second, text: metaTime(now) };
  return lastSecond.text;
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
    const index = entries.findIndex((e) => isBucket(e) && e.apiVersion === entry.apiVersion);
    if (index >= 0) {
      const bucket = entries[index];
      const time = (entry.time ?? '') > (bucket.time ?? '') ? entry.time : bucket.time;
      entries[index] = { ...bucket, time, fieldsV1: unionFields(bucket.fieldsV1 as FieldsV1, entry.fieldsV1 as FieldsV1) };
      count--;
    } else entries.push(entryOf(ANCIENT_CHANGES, entry.apiVersion ?? '', entry.time, entry.fieldsV1 as FieldsV1, undefined));
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
