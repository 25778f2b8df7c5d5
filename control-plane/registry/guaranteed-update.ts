/**
 * The one read-modify-write cycle against the Store, as Kubernetes' GuaranteedUpdate: read the
 * current object, compute the next one from it (or decide to remove it), write it with a
 * compare-and-swap on the revision read. A lost race is retried with a fresh read, unless the
 * client named the resourceVersion it expects: then the lost race is the client's 409 Conflict.
 * An unchanged result writes nothing (an idle cluster should not wear its SD card). Updates,
 * status writes, subresource writes, patches and deletions of the Registry all run through it,
 * and so do the control plane's own read-modify-writes (Registry.guaranteedUpdate).
 *
 * Like the apiserver's Cacher (GuaranteedUpdate with a cached existing object), the first
 * attempt may start from the watch cache's copy instead of reading etcd: the compare-and-swap
 * checks that it was current, and a failed one answers with the current object in the same
 * round trip. Nothing is decided on a copy that may be stale: an error, an unchanged result or
 * a failed precondition found on it is checked again on a fresh read before it is answered.
 */
import { conflict, invalid, notFound } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { Store } from '../store/store';
import { jsonEqual } from '../../api/json-equal';
import type { ResourceInfo } from './resource-info';
import { companionWrites, requestedConflicts, stampRevision, type CompanionPlan, type WriteCompanion } from './write-companion';

export interface UpdateAttempt<T extends KubeObject> {
  store: Store;
  key: string;
  info: ResourceInfo;
  name: string;
  /** The resourceVersion the client expects (a precondition), or undefined for "whatever is there". */
  expectedResourceVersion?: string;
  /** Computes the next object from a private copy of the current one, or REMOVE; may throw ApiErrors. */
  compute(current: T): T | typeof REMOVE | Promise<T | typeof REMOVE>;
  dryRun?: boolean;
  /** Keys written with the object (a Service's allocations): one transaction for all. */
  companion?: WriteCompanion;
  /** A recent copy of the object (the watch cache's, read-only), tried before reading etcd; undefined when there is none. */
  cached?: () => T | undefined;
}

export interface UpdateOutcome<T extends KubeObject> {
  /** The written object; the removed one (at the revision of its removal) when `removed`. */
  object: T;
  /** False when the computed object equalled the current one, or on a dry run. */
  written: boolean;
  /** The object is gone from the store (or would be, on a dry run). */
  removed?: boolean;
}

/** What `compute` returns to remove the object (with what its companion releases). */
export const REMOVE: unique symbol = Symbol('remove');

const MAX_ATTEMPTS = 10;

export function conflictFor(info: ResourceInfo, name: string) {
  return conflict(info.resource, name, info.group);
}

/** Equal apart from resourceVersion. */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return jsonEqual(strip(a), strip(b));
}

/** The object as the next attempt starts from it, and whether it was just read from etcd. */
interface Start<T> {
  current: T | undefined;
  fresh: boolean;
}

/** What a compare-and-swap answered: the written (or removed) object, or the current state it met. */
type Attempted<T> = { ok: true; object: T } | { ok: false; current?: Start<T> };

export async function guaranteedUpdate<T extends KubeObject>(attempt: UpdateAttempt<T>): Promise<UpdateOutcome<T>> {
  let start = await firstStart(attempt);
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const result = await tryOnce(attempt, start).catch((err: unknown) => {
      if (start.fresh) throw err;
      return { retry: true as const }; // decided on a copy that may be stale: decide again on etcd's
    });
    if ('outcome' in result) return result.outcome;
    start = 'current' in result && result.current ? result.current : { current: await attempt.store.get<T>(attempt.key), fresh: true };
  }
  throw conflictFor(attempt.info, attempt.name);
}

/** The cached copy when there is one (never for a dry run, whose answer nothing checks), else etcd's. */
async function firstStart<T extends KubeObject>(attempt: UpdateAttempt<T>): Promise<Start<T>> {
  const cached = attempt.dryRun ? undefined : attempt.cached?.();
  if (cached) return { current: cached, fresh: false };
  return { current: await attempt.store.get<T>(attempt.key), fresh: true };
}

/** One read-modify-write from `start`: the outcome, or what to start the next attempt from (undefined current: read etcd). */
async function tryOnce<T extends KubeObject>(attempt: UpdateAttempt<T>, start: Start<T>): Promise<{ outcome: UpdateOutcome<T> } | { retry: true; current?: Start<T> }> {
  const current = start.current;
  if (!current) throw notFound(attempt.info.resource, attempt.name, attempt.info.group);
  checkExpected(attempt, current);
  const next = await attempt.compute(structuredClone(current));
  if (next === REMOVE) {
    if (attempt.dryRun) return { outcome: { object: current, written: false, removed: true } };
    const removed = await removeOrMeet(attempt, current);
    if (removed.ok) return { outcome: { object: removed.object, written: false, removed: true } };
    if (attempt.expectedResourceVersion !== undefined) throw conflictFor(attempt.info, attempt.name);
    return { retry: true, current: removed.current };
  }
  if (sameObject(next, current)) {
    if (!start.fresh) return { retry: true }; // unchanged, as far as a cached copy tells: ask etcd before writing nothing
    return { outcome: { object: current, written: false } };
  }
  const plan = await attempt.companion?.planUpdate(next, current);
  if (attempt.dryRun) return { outcome: { object: { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } }, written: false } };
  delete next.metadata.resourceVersion;
  const joint = plan && (plan.claims.length > 0 || plan.releases.length > 0);
  const written = joint ? await writeWithCompanion(attempt, next, current, plan) : await writePlain(attempt, next, current);
  if (written.ok) return { outcome: { object: written.object, written: true } };
  if (attempt.expectedResourceVersion !== undefined) throw conflictFor(attempt.info, attempt.name);
  return { retry: true, current: written.current };
}

async function writePlain<T extends KubeObject>(attempt: UpdateAttempt<T>, next: T, current: T): Promise<Attempted<T>> {
  const result = await attempt.store.update(attempt.key, next, Number(current.metadata.resourceVersion));
  return result.ok ? { ok: true, object: result.object } : { ok: false, current: { current: result.current, fresh: true } };
}

/**
 * The object and its companion keys in one transaction. A requested value held by another
 * fails the update (422); a lost race on the object or on a picked value means another attempt.
 */
async function writeWithCompanion<T extends KubeObject>(attempt: UpdateAttempt<T>, next: T, current: T, plan: CompanionPlan): Promise<Attempted<T>> {
  const revision = Number(current.metadata.resourceVersion);
  const result = await attempt.store.commit([{ op: 'update', key: attempt.key, object: next, expectedRevision: revision }, ...companionWrites(plan)]);
  if (result.ok) return { ok: true, object: stampRevision(next, result.revision) };
  if (result.failed.includes(attempt.key)) return { ok: false };
  const causes = requestedConflicts(plan, result.failed);
  if (causes.length > 0) throw invalid(attempt.info.kind, attempt.name, causes, attempt.info.group);
  return { ok: false };
}

/**
 * Removes `current` if it is still at its revision, releasing its companion keys with it.
 * Undefined when it changed or went meanwhile (the next read tells which).
 */
export async function remove<T extends KubeObject>(attempt: Pick<UpdateAttempt<T>, 'store' | 'key' | 'companion'>, current: T): Promise<T | undefined> {
  const removed = await removeOrMeet(attempt, current);
  return removed.ok ? removed.object : undefined;
}

/** `remove`, answering on a miss with the current state when the store's answer carries it. */
async function removeOrMeet<T extends KubeObject>(attempt: Pick<UpdateAttempt<T>, 'store' | 'key' | 'companion'>, current: T): Promise<Attempted<T>> {
  const revision = Number(current.metadata.resourceVersion);
  if (!attempt.companion) {
    const result = await attempt.store.delete<T>(attempt.key, revision);
    return result.ok ? { ok: true, object: result.object } : { ok: false, current: { current: result.current, fresh: true } };
  }
  const plan = attempt.companion.planDelete(current);
  const result = await attempt.store.commit([{ op: 'delete', key: attempt.key, expectedRevision: revision }, ...companionWrites(plan)]);
  return result.ok ? { ok: true, object: stampRevision(current, result.revision) } : { ok: false };
}

function checkExpected<T extends KubeObject>(attempt: UpdateAttempt<T>, current: T): void {
  const expected = attempt.expectedResourceVersion;
  if (expected !== undefined && expected !== current.metadata.resourceVersion) throw conflictFor(attempt.info, attempt.name);
}
