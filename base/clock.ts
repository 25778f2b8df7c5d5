/**
 * Time as every component sees it: injected, so tests control it (STYLE rule 9). One interface
 * for the agent and the control plane; a component that only reads the time takes
 * `Pick<Clock, 'now'>`. Tests drive `test/support/fake-clock.ts`.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Disposable } from './disposable';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` (at least 0); disposing the handle cancels it. */
  schedule(fn: () => void, ms: number): Disposable;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * A signal that aborts with a TimeoutError after `ms`, as AbortSignal.timeout, and fires even
   * when only an `AbortSignal.any` of it is referenced (see `timeoutSignal`).
   */
  timeout(ms: number): AbortSignal;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return { dispose: () => clearTimeout(timer) };
  },
  sleep: (ms, signal) => sleepFor(Math.max(0, ms), undefined, { signal }).catch(() => undefined),
  timeout: (ms) => timeoutSignal(Math.max(1, ms)),
};

/**
 * AbortSignal.timeout's timer holds its signal weakly, and `AbortSignal.any` holds its sources
 * weakly: a timeout known only to a combined signal is garbage-collected before it fires (Node 20,
 * nodejs/node#57736), and the bound never applies (a ping to a frozen dockerd then waits forever).
 * Here the timer holds the controller until it fires; unref'd, it keeps no process alive.
 */
function timeoutSignal(ms: number): AbortSignal {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms).unref();
  return ctl.signal;
}
