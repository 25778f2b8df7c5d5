/**
 * Waiting for a set clock before any TLS: the agent and the server call this at start, so a
 * Pi booting without network time neither issues certificates dated 1970 nor rejects valid
 * ones with a confusing certificate error. While the clock is before its floor (clock-floor.ts)
 * it says so once, polls on the injected clock, and goes on by itself once NTP has set it.
 */
import type { Clock } from '../base/clock';
import { RELEASE_FLOOR, type ClockFloor } from './clock-floor';

export interface ClockWaitOptions {
  clock: Pick<Clock, 'now' | 'sleep'>;
  signal: AbortSignal;
  log: (message: string) => void;
  /** Default: the release floor (2025-01-01). */
  floor?: ClockFloor;
  pollMs?: number;
}

/** Resolves once the clock is at or past the floor; rejects when `signal` aborts first. */
export async function waitForPlausibleClock(options: ClockWaitOptions): Promise<void> {
  const { clock, signal, log } = options;
  const floor = options.floor ?? RELEASE_FLOOR;
  let said = false;
  while (clock.now() < floor.ms) {
    signal.throwIfAborted();
    if (!said) log(`clock not synchronised: it says ${iso(clock.now())}, before ${iso(floor.ms)} (${floor.reason}); waiting for time sync before any TLS`);
    said = true;
    await clock.sleep(options.pollMs ?? 2000, signal);
  }
  if (said) log(`clock synchronised (${iso(clock.now())}): going on`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
