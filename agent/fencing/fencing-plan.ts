/**
 * The agent's fencing decision, pure (the watchdog acts on it): fence once no control plane has
 * said anything for the fencing period; look again when that would happen, but at least every
 * `maxCheckMs` (the clock may jump, a Welcome may come). Unfencing is not decided here: only a
 * control plane's confirmation of the node's pods lifts fencing (fencing-watchdog.ts).
 */

export interface FencingCheck {
  nowMs: number;
  lastContactMs: number;
  periodMs: number;
  /** Already fenced, not yet confirmed. */
  fenced: boolean;
}

export interface FencingDecision {
  /** Stop the at-most-one pods now. */
  fence: boolean;
  silentForMs: number;
  /** When to look again. */
  nextCheckInMs: number;
}

export const MAX_CHECK_MS = 250;

export function decideFencing({ nowMs, lastContactMs, periodMs, fenced }: FencingCheck, maxCheckMs = MAX_CHECK_MS): FencingDecision {
  const silentForMs = Math.max(0, nowMs - lastContactMs);
  const dueInMs = periodMs - silentForMs;
  return { fence: !fenced && dueInMs <= 0, silentForMs, nextCheckInMs: Math.max(1, Math.min(maxCheckMs, dueInMs > 0 ? dueInMs : maxCheckMs)) };
}

/** The period the agent uses: its own, or the control plane's if that is shorter (never fence later than it assumes). */
export function effectiveFencingPeriodMs(ownMs: number, toldMs: number | undefined): number {
  return toldMs !== undefined && toldMs > 0 ? Math.min(ownMs, toldMs) : ownMs;
}
