/**
 * The one read-modify-write cycle against the Store, as Kubernetes' GuaranteedUpdate: read the
 * current object, compute the next one from it (or decide to remove it), write it with a
 * compare-and-swap on the revision read. A lost race is retried with a fresh read, unless the
 * client named the resourceVersion it expects: then the lost race is the client's 409 Conflict.
 * An unchanged result writes nothing (an idle cluster should not wear its SD card). Updates,
 * status writes, subresource writes, patches and deletions of the Registry all run through it,
 * and so do the control plane's own read-modify-writes (Registry.guaranteedUpdate).
 */
import { conflict, invalid, notFound } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { Store } from '../store/store';
import { stableJson } from './object-meta';
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
  return stableJson(strip(a)) === stableJson(strip(b));
}

export async function guaranteedUpdate<T extends KubeObject>(attempt: UpdateAttempt<T>): Promise<UpdateOutcome<T>> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const current = await attempt.store.get<T>(attempt.key);
    if (!current) throw notFound(attempt.info.resource, attempt.name, attempt.info.group);
    checkExpected(attempt, current);
    const next = await attempt.compute(structuredClone(current));
    if (next === REMOVE) {
      const removed = attempt.dryRun ? current : await remove(attempt, current);
      if (removed) return { object: removed, written: false, removed: true };
      if (attempt.expectedResourceVersion !== undefined) throw conflictFor(attempt.info, attempt.name);
      continue;
    }
    if (sameObject(next, current)) return { object: current, written: false };
    const plan = await attempt.companion?.planUpdate(next, current);
    if (attempt.dryRun) return { object: { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } }, written: false };
    delete next.metadata.resourceVersion;
    const joint = plan && (plan.claims.length > 0 || plan.releases.length > 0);
    const written = joint ? await writeWithCompanion(attempt, next, current, plan) : await writePlain(attempt, next, current);
    if (written) return { object: written, written: true };
    if (attempt.expectedResourceVersion !== undefined) throw conflictFor(attempt.info, attempt.name);
  }
  throw conflictFor(attempt.info, attempt.name);
}

async function writePlain<T extends KubeObject>(attempt: UpdateAttempt<T>, next: T, current: T): Promise<T | undefined> {
  const result = await attempt.store.update(attempt.key, next, Number(current.metadata.resourceVersion));
  return result.ok ? result.object : undefined;
}

/**
 * The object and its companion keys in one transaction. A requested value held by another
 * fails the update (422); a lost race on the object or on a picked value means another attempt.
 */
async function writeWithCompanion<T extends KubeObject>(attempt: UpdateAttempt<T>, next: T, current: T, plan: CompanionPlan): Promise<T | undefined> {
  const revision = Number(current.metadata.resourceVersion);
  const result = await attempt.store.commit([{ op: 'update', key: attempt.key, object: next, expectedRevision: revision }, ...companionWrites(plan)]);
  if (result.ok) return stampRevision(next, result.revision);
  if (result.failed.includes(attempt.key)) return undefined;
  const causes = requestedConflicts(plan, result.failed);
  if (causes.length > 0) throw invalid(attempt.info.kind, attempt.name, causes, attempt.info.group);
  return undefined;
}

/**
 * Removes `current` if it is still at its revision, releasing its companion keys with it.
 * Undefined when it changed or went meanwhile (the next read tells which).
 */
export async function remove<T extends KubeObject>(attempt: Pick<UpdateAttempt<T>, 'store' | 'key' | 'companion'>, current: T): Promise<T | undefined> {
  const revision = Number(current.metadata.resourceVersion);
  if (!attempt.companion) {
    const result = await attempt.store.delete<T>(attempt.key, revision);
    return result.ok ? result.object : undefined;
  }
  const plan = attempt.companion.planDelete(current);
  const result = await attempt.store.commit([{ op: 'delete', key: attempt.key, expectedRevision: revision }, ...companionWrites(plan)]);
  return result.ok ? stampRevision(current, result.revision) : undefined;
}

function checkExpected<T extends KubeObject>(attempt: UpdateAttempt<T>, current: T): void {
  const expected = attempt.expectedResourceVersion;
  if (expected !== undefined && expected !== current.metadata.resourceVersion) throw conflictFor(attempt.info, attempt.name);
}
