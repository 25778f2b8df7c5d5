/**
 * Time and randomness as the prober sees them, injected so tests control them (STYLE rule 9):
 * a fake clock advances time and fires timers and timeouts by hand.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface ProbeClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`; the handle cancels it. */
  schedule(fn: () => void, ms: number): TimerHandle;
  /** A signal that aborts after `ms` (AbortSignal.timeout on the real clock). */
  timeout(ms: number): AbortSignal;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemProbeClock: ProbeClock = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
  timeout: (ms) => AbortSignal.timeout(Math.max(1, ms)),
  random: () => Math.random(),
};
