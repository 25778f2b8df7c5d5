/**
 * One read-compute-write cycle against the Store, as Kubernetes' GuaranteedUpdate: read the
 * current object, compute the next one from it, write it with a compare-and-swap on the
 * revision read. A lost race is retried with a fresh read, unless the client named the
 * resourceVersion it expects: then the lost race is the client's 409 Conflict.
 * An unchanged result writes nothing (an idle cluster should not wear its SD card).
 */
import { conflict, notFound } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { Store } from '../store/store';
import { stableJson } from './object-meta';
import type { ResourceInfo } from './resource-info';

export interface UpdateAttempt<T extends KubeObject> {
  store: Store;
  key: string;
  info: ResourceInfo;
  name: string;
  /** The resourceVersion the client expects (a precondition), or undefined for "whatever is there". */
  expectedResourceVersion?: string;
  /** Computes the next object from a private copy of the current one; may throw ApiErrors. */
  compute(current: T): T | Promise<T>;
  dryRun?: boolean;
}

export interface UpdateOutcome<T extends KubeObject> {
  object: T;
  /** False when the computed object equalled the current one, or on a dry run. */
  written: boolean;
}

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
    if (sameObject(next, current)) return { object: current, written: false };
    if (attempt.dryRun) return { object: { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } }, written: false };
    delete next.metadata.resourceVersion;
    const result = await attempt.store.update(attempt.key, next, Number(current.metadata.resourceVersion));
    if (result.ok) return { object: result.object, written: true };
    if (attempt.expectedResourceVersion !== undefined) throw conflictFor(attempt.info, attempt.name);
  }
  throw conflictFor(attempt.info, attempt.name);
}

function checkExpected<T extends KubeObject>(attempt: UpdateAttempt<T>, current: T): void {
  const expected = attempt.expectedResourceVersion;
  if (expected !== undefined && expected !== current.metadata.resourceVersion) throw conflictFor(attempt.info, attempt.name);
}
