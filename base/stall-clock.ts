/**
 * Time for counting how long others have been silent, which does not advance while this
 * process itself was stalled (its event loop blocked, or the process suspended or starved of
 * CPU): a node's heartbeats that arrived meanwhile wait unread in the socket buffers, so the
 * gap is this process's, not the node's, and must not count against it.
 *
 * A timer ticks every `tickMs` on a monotonic source; a tick later than scheduled by more
 * than `toleranceMs` is a stall, and its lateness is subtracted from `now()`. A reader never
 * waits for the tick: `now()` first checks whether the tick is overdue, so a timer that fires
 * right after the stall, before the tick, does not see the gap either. Stalls of at least
 * `longStallMs` are remembered (`lastLongStallEnd`): sessions may have dropped during them.
 * Being monotonic, it also ignores the wall clock's jumps (a Pi without a clock battery sets
 * its time from the network after boot).
 */
import { performance } from 'node:perf_hooks';
import type { Disposable } from './disposable';

export interface StallClockOptions {
  /** How often the event loop proves it runs. Default 100 ms. */
  tickMs?: number;
  /** Lateness taken for ordinary timer jitter, never counted. Default 250 ms. */
  toleranceMs?: number;
  /** A stall at least this long is remembered as one after which sessions may need to reconnect. Default 1 s. */
  longStallMs?: number;
  /** Milliseconds from an arbitrary origin, never going back (performance.now by default). */
  monotonic?: () => number;
  /** Where the tick is scheduled; disposing the handle stops it. Default setInterval, unref'd. */
  every?: (fn: () => void, ms: number) => Disposable;
  /** Told of each stall of at least `longStallMs`. */
  onLongStall?: (durationMs: number) => void;
}

function realEvery(fn: () => void, ms: number): Disposable {
  const timer = setInterval(fn, ms);
  timer.unref();
  return { dispose: () => clearInterval(timer) };
}

export class StallClock implements Disposable {
  private readonly tickMs: number;
  private readonly toleranceMs: number;
  private readonly longStallMs: number;
  private readonly monotonic: () => number;
  /** Wall time at the origin of the monotonic source: now() starts out as Date.now(). */
  private readonly originMs: number;
  private readonly ticker: Disposable;
  private lastTickMs: number;
  private stalledMs = 0;
  private longStallEnd?: number;

  constructor(private readonly opts: StallClockOptions = {}) {
    this.tickMs = opts.tickMs ?? 100;
    this.toleranceMs = opts.toleranceMs ?? 250;
    this.longStallMs = opts.longStallMs ?? 1_000;
    this.monotonic = opts.monotonic ?? (() => performance.now());
    this.lastTickMs = this.monotonic();
    this.originMs = Date.now() - this.lastTickMs;
    this.ticker = (opts.every ?? realEvery)(() => this.catchUp(), this.tickMs);
  }

  /** Milliseconds since the epoch, less every stall since this clock began. */
  now(): number {
    this.catchUp();
    return this.originMs + this.monotonic() - this.stalledMs;
  }

  /** Every stall counted so far, in milliseconds. */
  get totalStalledMs(): number {
    this.catchUp();
    return this.stalledMs;
  }

  /** When (in `now()` time) the last stall of at least `longStallMs` ended; undefined if none. */
  get lastLongStallEnd(): number | undefined {
    this.catchUp();
    return this.longStallEnd;
  }

  dispose(): void {
    this.ticker.dispose();
  }

  /** Counts the lateness of an overdue tick as a stall; called by the tick and by every read. */
  private catchUp(): void {
    const at = this.monotonic();
    const lateMs = at - this.lastTickMs - this.tickMs;
    if (lateMs <= this.toleranceMs) {
      if (at - this.lastTickMs >= this.tickMs) this.lastTickMs = at;
      return;
    }
    this.stalledMs += lateMs;
    this.lastTickMs = at;
    if (lateMs < this.longStallMs) return;
    this.longStallEnd = this.originMs + at - this.stalledMs;
    this.opts.onLongStall?.(lateMs);
  }
}
