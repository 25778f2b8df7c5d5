/**
 * When the agent dials again after a session failed: capped exponential backoff with jitter
 * (gRPC's connection-backoff shape), rotating through the control-plane addresses so a dead
 * replica is skipped at once. A session that lived long enough resets the delay, so a
 * control-plane restart costs one short wait, not the cap. Randomness is injected (STYLE 9).
 */
import { AGENT_MAX_RECONNECT_DELAY_MS } from '../proto/session-timing';

export interface BackoffOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  multiplier?: number;
  /** Spread of each delay: 0.2 → uniformly within ±20 %. */
  jitter?: number;
  /** A session that stayed up at least this long counts as healthy and resets the backoff. */
  healthyAfterMs?: number;
  /** Returns a number in [0, 1). */
  random?: () => number;
}

export interface RetryDecision {
  /** Index into the server list to dial next. */
  serverIndex: number;
  delayMs: number;
  reason: string;
}

/**
 * The cap is what an agent may wait, at worst, before it dials a control plane that came back
 * (proto/session-timing.ts): a new leader allows that much on top of the grace period, so a
 * control plane's own absence never makes a node NotReady.
 */
export const DEFAULT_BACKOFF: Required<Omit<BackoffOptions, 'random'>> = {
  initialDelayMs: 250,
  maxDelayMs: AGENT_MAX_RECONNECT_DELAY_MS,
  multiplier: 2,
  jitter: 0.2,
  healthyAfterMs: 10_000,
};

export class SessionBackoff {
  private readonly opts: Required<BackoffOptions>;
  private failures = 0;
  private serverIndex = 0;
  private readonly serverCount: () => number;

  /** `serverCount` may be a function: the list grows as the agent learns replicas. */
  constructor(serverCount: number | (() => number), opts: BackoffOptions = {}) {
    this.serverCount = typeof serverCount === 'number' ? () => serverCount : serverCount;
    if (this.serverCount() < 1) throw new Error('at least one control-plane address is required');
    this.opts = { ...DEFAULT_BACKOFF, random: Math.random, ...opts };
  }

  /** The server to dial first (and after a reset). */
  get current(): number {
    return this.serverIndex;
  }

  /**
   * The session to `current` ended after `uptimeMs` (0 if it never got a Welcome).
   * Moves to the next server and says how long to wait before dialing it.
   */
  next(uptimeMs: number, cause: string): RetryDecision {
    const healthy = uptimeMs >= this.opts.healthyAfterMs;
    this.failures = healthy ? 0 : this.failures + 1;
    this.serverIndex = (this.serverIndex + 1) % Math.max(1, this.serverCount());
    const delayMs = healthy ? this.jittered(this.opts.initialDelayMs) : this.jittered(this.baseDelay());
    const why = healthy ? 'session was healthy, backoff reset' : `attempt ${this.failures} failed`;
    return { serverIndex: this.serverIndex, delayMs, reason: `${cause}; ${why}` };
  }

  private baseDelay(): number {
    const exp = this.opts.initialDelayMs * this.opts.multiplier ** (this.failures - 1);
    return Math.min(exp, this.opts.maxDelayMs);
  }

  private jittered(delay: number): number {
    const spread = delay * this.opts.jitter;
    const value = delay - spread + 2 * spread * this.opts.random();
    return Math.round(Math.min(Math.max(value, 0), this.opts.maxDelayMs));
  }
}
