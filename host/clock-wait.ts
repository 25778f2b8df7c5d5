/**
 * Waiting for a set clock before any TLS: the agent and the server call this at start, so a
 * Pi booting without network time neither issues certificates dated 1970 nor rejects valid
 * ones; it logs while it waits and goes on by itself once NTP has set the clock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isClockPlausible } from './clock-check';

export interface ClockWaitOptions {
  now: () => number;
  signal: AbortSignal;
  log: (message: string) => void;
  pollMs?: number;
}

/** Resolves once the clock is plausible; rejects when `signal` aborts first. */
export async function waitForPlausibleClock(options: ClockWaitOptions): Promise<void> {
  let said = false;
  while (!isClockPlausible(options.now())) {
    options.signal.throwIfAborted();
    if (!said) options.log(`the clock says ${new Date(options.now()).toISOString()}: waiting for it to be set before any TLS`);
    said = true;
    await sleep(options.pollMs ?? 2000, undefined, { signal: options.signal });
  }
  if (said) options.log(`the clock is set (${new Date(options.now()).toISOString()}): going on`);
}
