/**
 * How objects live in etcd: their JSON, without `metadata.resourceVersion`. A read sets the
 * resourceVersion from the revision it was read at (the key's mod revision, or a deletion's
 * revision), so the stored bytes never disagree with etcd's own bookkeeping.
 */
import type { KubeObject } from '../../api/meta';
import type { StoredObjectCheck } from './store';

/** The bytes stored for an object: its JSON with `metadata.resourceVersion` left out. */
export function encodeObject(object: KubeObject): Buffer {
  const stored = { ...object, metadata: { ...object.metadata, resourceVersion: undefined } };
  return Buffer.from(JSON.stringify(stored));
}

/**
 * Parses stored bytes and stamps the revision; throws when they are not an object with
 * metadata, or when `check` (keyed by `key`) finds the object unusable. `storedAt` is the
 * revision the bytes were written at, when it differs from the one stamped (a deletion's last
 * state): the check is made once per written version (check-once-per-version.ts).
 */
export function decodeObject<T extends KubeObject>(value: Buffer, revision: string | number, check?: StoredObjectCheck, key = '', storedAt: string | number = revision): T {
  const parsed: unknown = JSON.parse(value.toString('utf8'));
  if (!isRecord(parsed) || !isRecord(parsed.metadata)) {
    throw new Error('the stored value is not a JSON object with metadata');
  }
  const problem = check?.(key, parsed as unknown as KubeObject, Number(storedAt));
  if (problem !== undefined) throw new Error(problem);
  parsed.metadata.resourceVersion = String(revision);
  return parsed as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a key names, for error messages: `pods "web"`, `deployments.apps "web"`. */
export interface KeySubject {
  group: string;
  resource: string;
  name: string;
}

/**
 * Reads `<prefix>/<group>/<resource>[/<namespace>]/<name>` from the right (the prefix may hold
 * slashes): `namespaced` says whether a namespace segment sits before the name.
 */
export function keySubject(key: string, namespaced: boolean): KeySubject {
  const parts = key.split('/');
  const at = (fromEnd: number): string => parts[parts.length - fromEnd] ?? '';
  const shift = namespaced ? 1 : 0;
  const group = at(3 + shift);
  return { group: group === 'core' ? '' : group, resource: at(2 + shift), name: at(1) };
}

/**
 * Stands in for a deleted object whose stored bytes could not be decoded: it carries the name
 * (the last key segment) and the deletion's revision, so a DELETED event is never lost.
 */
export function tombstone<T extends KubeObject>(key: string, revision: string | number): T {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return { metadata: { name, resourceVersion: String(revision) } } as T;
}
