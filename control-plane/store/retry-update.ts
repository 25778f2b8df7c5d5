/**
 * Read-modify-write against the Store with compare-and-swap, retried on conflict: client-go's
 * `retry.RetryOnConflict` around a get and an update. For controllers and the node service,
 * whose writes (status, mostly) are computed from the current object.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { conflict } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { keySubject } from './etcd-codec';
import type { Store } from './store';

export interface UpdateWithRetryOptions {
  /** Writes tried before giving up with Conflict. Default 5 (client-go's DefaultRetry). */
  attempts?: number;
  /** First pause after a conflict; doubles, with jitter, up to 1 s. Default 10 ms. */
  backoffMs?: number;
  /** Source of jitter in [0, 1); tests pass their own. */
  random?: () => number;
  signal?: AbortSignal;
}

/**
 * Reads `key`, hands `mutate` a private clone, and writes its result if the object has not
 * changed since the read; on a conflict it reads again and asks `mutate` again.
 *
 * `mutate` returns the desired object, or undefined for "nothing to change"; returning an
 * object equal to the current one also writes nothing (an idle cluster should not wear its
 * SD card). Resolves with the written object, or undefined when nothing was written (the
 * object is gone, or there was no change). Rejects with Conflict when every attempt lost a race.
 */
export async function updateWithRetry<T extends KubeObject>(
  store: Store,
  key: string,
  mutate: (current: T) => T | undefined,
  opts: UpdateWithRetryOptions = {},
): Promise<T | undefined> {
  const attempts = opts.attempts ?? 5;
  let current = await store.get<T>(key);
  for (let attempt = 1; current; attempt++) {
    opts.signal?.throwIfAborted();
    const desired = mutate(structuredClone(current));
    if (desired === undefined || sameContent(desired, current)) return undefined;
    const result = await store.update(key, desired, Number(current.metadata.resourceVersion));
    if (result.ok) return result.object;
    if (attempt >= attempts) throw conflictOn(key, current);
    current = result.current;
    await pauseAfterConflict(attempt, opts);
  }
  return undefined;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Spreads racing writers apart: backoff·2^(attempt-1), ±50 % jitter, at most 1 s. */
async function pauseAfterConflict(attempt: number, opts: UpdateWithRetryOptions): Promise<void> {
  const base = Math.min((opts.backoffMs ?? 10) * 2 ** (attempt - 1), 1_000);
  const jittered = base * (0.5 + (opts.random ?? Math.random)());
  await sleep(jittered, undefined, { signal: opts.signal });
}

function conflictOn(key: string, current: KubeObject) {
  const subject = keySubject(key, Boolean(current.metadata.namespace));
  return conflict(subject.resource, subject.name, subject.group);
}
