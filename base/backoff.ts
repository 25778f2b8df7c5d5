/**
 * Per-key exponential backoff with Kubernetes' flowcontrol.Backoff semantics: an attempt at
 * `eventTime` arms a delay (initial, then doubling up to max); the key is backed off while
 * less than that delay has passed since the attempt (or a given event); a key untouched for
 * twice the maximum starts over at the initial delay.
 *
 * An optional store makes the entries outlive the process (a container's CrashLoopBackOff
 * must survive an agent restart): it is read once at construction and told every change.
 */
import type { Clock } from './clock';

export interface BackoffEntry {
  delayMs: number;
  lastUpdate: number;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Where entries persist; `save` gets the complete set after each change. */
export interface BackoffStore {
  load(): Map<string, BackoffEntry>;
  save(entries: ReadonlyMap<string, BackoffEntry>): void;
}

/** Kubelet's image pull and container restart backoff: 10 s doubling to 5 min. */
export const KUBELET_BACKOFF: BackoffOptions = { initialMs: 10_000, maxMs: 300_000 };

export class Backoff {
  private readonly entries: Map<string, BackoffEntry>;

  constructor(private readonly clock: Pick<Clock, 'now'>, private readonly opts: BackoffOptions = KUBELET_BACKOFF, private readonly store?: BackoffStore) {
    this.entries = store?.load() ?? new Map();
  }

  /** Records an attempt at `eventTime` (default now); returns the delay armed for the next one. */
  next(key: string, eventTime = this.clock.now()): number {
    const entry = this.live(key, eventTime);
    const delayMs = entry ? Math.min(entry.delayMs * 2, this.opts.maxMs) : this.opts.initialMs;
    this.entries.set(key, { delayMs, lastUpdate: eventTime });
    this.changed();
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
    if (this.entries.delete(key)) this.changed();
  }

  /** Forgets every key starting with the prefix (a pod that is gone). */
  forgetPrefix(prefix: string): void {
    let removed = false;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) removed = this.entries.delete(key) || removed;
    if (removed) this.changed();
  }

  /** Keys whose prefix is not kept (pods this node no longer has) are dropped. */
  retainPrefixes(keep: (key: string) => boolean): void {
    let removed = false;
    for (const key of this.entries.keys()) if (!keep(key)) removed = this.entries.delete(key) || removed;
    if (removed) this.changed();
  }

  private live(key: string, eventTime: number): BackoffEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && eventTime - entry.lastUpdate > 2 * this.opts.maxMs) {
      this.entries.delete(key);
      this.changed();
      return undefined;
    }
    return entry;
  }

  /** Expired entries are not worth a write: only live ones are persisted. */
  private changed(): void {
    if (!this.store) return;
    const now = this.clock.now();
    for (const [key, e] of this.entries) if (now - e.lastUpdate > 2 * this.opts.maxMs) this.entries.delete(key);
    this.store.save(this.entries);
  }
}

/** The delay after `failures` failures in a row (1 → `initialMs`), multiplied each time, capped at `maxMs`. */
export function exponentialDelayMs(failures: number, initialMs: number, maxMs: number, multiplier = 2): number {
  return Math.min(initialMs * multiplier ** Math.max(0, failures - 1), maxMs);
}
