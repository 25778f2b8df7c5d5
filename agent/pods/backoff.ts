/**
 * Per-key exponential backoff with Kubernetes' flowcontrol.Backoff semantics: an attempt at
 * `eventTime` arms a delay (initial, then doubling up to max); the key is backed off while
 * less than that delay has passed since the attempt (or a given event); a key untouched for
 * twice the maximum starts over at the initial delay.
 */
import type { Clock } from './clock';

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Kubelet's image pull and container restart backoff: 10 s doubling to 5 min. */
export const KUBELET_BACKOFF: BackoffOptions = { initialMs: 10_000, maxMs: 300_000 };

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock, private readonly opts: BackoffOptions = KUBELET_BACKOFF) {}

  /** Records an attempt at `eventTime` (default now); returns the delay armed for the next one. */
  next(key: string, eventTime = this.clock.now()): number {
    const entry = this.live(key, eventTime);
    const delayMs = entry ? Math.min(entry.delayMs * 2, this.opts.maxMs) : this.opts.initialMs;
    this.entries.set(key, { delayMs, lastUpdate: eventTime });
    return delayMs;
  }

  /**
   * When the key may be tried again, or undefined when it may go now. The delay counts from
   * `since` when given (a container's exit: IsInBackOffSince), else from the last attempt
   * (an image pull: IsInBackOffSinceUpdate).
   */
  blockedUntil(key: string, since?: number): number | undefined {
    const entry = this.live(key, since ?? this.clock.now());
    if (!entry) return undefined;
    const until = (since ?? entry.lastUpdate) + entry.delayMs;
    return this.clock.now() < until ? until : undefined;
  }

  /** The delay currently armed for the key (0 when none). */
  delayOf(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key starting with the prefix (a pod that is gone). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private live(key: string, eventTime: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && eventTime - entry.lastUpdate > 2 * this.opts.maxMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
