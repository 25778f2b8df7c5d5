/**
 * The metadata rules every kind shares (Kubernetes' rest.BeforeCreate / BeforeUpdate):
 * the server sets uid, creationTimestamp and generation; an update can change none of
 * them, nor remove a deletion timestamp.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jsonEqual } from '../../api/json-equal';
import type { KubeObject, ObjectMeta } from '../../api/meta';
import { metaTime } from '../../api/meta-time';

/** Kubernetes' name generator alphabet: no vowels (no words), no look-alikes (0/o, 1/l). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const RANDOM_LENGTH = 5;
const MAX_GENERATED_BASE = 63 - RANDOM_LENGTH;

/** `generateName` plus 5 random characters, the base cut so the result fits 63. */
export function generateName(base: string): string {
  const bytes = randomBytes(RANDOM_LENGTH);
  const suffix = [...bytes].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
  return base.slice(0, MAX_GENERATED_BASE) + suffix;
}

/** RFC 3339 with second precision, as Kubernetes' metav1.Time marshals. */
export const timestamp = metaTime;

export interface CreateMetaOptions {
  now: Date;
  tracksGeneration: boolean;
}

/** Server-owned metadata of a new object; what the client sent for these is dropped. */
export function prepareObjectMetaForCreate(obj: KubeObject, opts: CreateMetaOptions): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(opts.now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (opts.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
  omitEmptyLists(meta);
}

/** Keeps what an update may not change; an empty uid means "the existing one". */
export function carryOverObjectMeta(obj: KubeObject, old: KubeObject): void {
  const meta = obj.metadata;
  const was = old.metadata;
  copyOrDelete(meta, was, 'generation');
  copyOrDelete(meta, was, 'creationTimestamp');
  copyOrDelete(meta, was, 'deletionTimestamp');
  if (!meta.uid) meta.uid = was.uid;
  if (was.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds === undefined) {
    meta.deletionGracePeriodSeconds = was.deletionGracePeriodSeconds;
  }
  omitEmptyLists(meta);
}

/**
 * An empty ownerReferences or finalizers list is left out, as Go's `omitempty` leaves it out of
 * ObjectMeta: a pod whose last owner released it has no `ownerReferences: []`.
 */
function omitEmptyLists(meta: ObjectMeta): void {
  if (meta.ownerReferences?.length === 0) delete meta.ownerReferences;
  if (meta.finalizers?.length === 0) delete meta.finalizers;
}

function copyOrDelete<K extends keyof ObjectMeta>(to: ObjectMeta, from: ObjectMeta, key: K): void {
  if (from[key] === undefined) delete to[key];
  else to[key] = from[key];
}

/** Increments generation when anything outside metadata and status changed (spec, data...). */
export function bumpGenerationOnChange(obj: KubeObject, old: KubeObject): void {
  if (!sameContent(obj, old)) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  return jsonEqual(withoutMetaAndStatus(a), withoutMetaAndStatus(b));
}

/** JSON with object keys sorted: equal values give equal strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  });
}
