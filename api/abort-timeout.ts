/**
 * `signal` bounded by a timeout. `AbortSignal.any` holds its sources weakly: a timeout signal
 * that nobody else references can be garbage-collected before it fires (seen with Node 20),
 * and then the bound silently never applies. The combined signal keeps its timeout alive.
 */
const timeoutsKeptAlive = new WeakMap<AbortSignal, AbortSignal>();

export function withTimeout(signal: AbortSignal, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  const bounded = AbortSignal.any([signal, timeout]);
  timeoutsKeptAlive.set(bounded, timeout);
  return bounded;
}
