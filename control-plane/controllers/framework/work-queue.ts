/**
 * A rate-limited, delaying queue of keys (STYLE.md rule 4; client-go's workqueue): handlers
 * enqueue `namespace/name`; workers call `reconcile(key, signal)`. A key is never processed by
 * two workers at once; a key added while it is being processed runs again afterwards.
 *
 * - Success forgets the key's backoff; a result with `requeueAfterMs` adds it again after that
 *   long (time must pass: a grace period, a periodic recheck).
 * - Failure requeues it after a per-key exponential backoff (`baseDelayMs` doubling up to
 *   `maxDelayMs`).
 * - `addAfter` keeps one wait per key, the earliest asked for. Time is the injected Clock's.
 */
import { exponentialDelayMs } from '../../../base/backoff';
import { systemClock, type Clock } from '../../../base/clock';
import type { Disposable } from '../../../base/disposable';

export interface ReconcileResult {
  /** Reconcile the key again after this long, though nothing changes meanwhile. */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>;

export interface WorkQueueOptions {
  workers?: number;
  /** The first failure's delay. Default 100 ms. */
  baseDelayMs?: number;
  /** Default 30 s. */
  maxDelayMs?: number;
  clock?: Clock;
  onError?: (key: string, err: unknown) => void;
}

interface Delayed {
  atMs: number;
  timer: Disposable;
}

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly clock: Clock;
  private waiters: (() => void)[] = [];

  constructor(private readonly reconcile: Reconcile, private readonly opts: WorkQueueOptions = {}) {
    this.clock = opts.clock ?? systemClock;
  }

  add(key: string): void {
    if (this.active.has(key)) this.dirty.add(key);
    else this.pending.add(key);
    this.wakeAll();
  }

  /** Adds the key once `delayMs` has passed, unless an earlier wait for it is already set. */
  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key);
    const atMs = this.clock.now() + delayMs;
    const current = this.delayed.get(key);
    if (current && current.atMs <= atMs) return;
    current?.timer.dispose();
    const timer = this.clock.schedule(() => (this.delayed.delete(key), this.add(key)), delayMs);
    this.delayed.set(key, { atMs, timer });
  }

  /** Adds the key after its backoff delay, which doubles with each failure in a row. */
  addRateLimited(key: string): void {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.addAfter(key, exponentialDelayMs(failures, this.opts.baseDelayMs ?? 100, this.opts.maxDelayMs ?? 30_000));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Keys waiting for a worker (delayed ones not counted). */
  get length(): number {
    return this.pending.size;
  }

  /** Runs the workers until `signal` aborts; the delayed adds are cancelled then. */
  async run(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => this.wakeAll();
    signal.addEventListener('abort', onAbort, { once: true });
    const workers = Array.from({ length: this.opts.workers ?? 1 }, () => this.worker(signal));
    await Promise.all(workers);
    signal.removeEventListener('abort', onAbort);
    for (const { timer } of this.delayed.values()) timer.dispose();
    this.delayed.clear();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private next(): string | undefined {
    for (const key of this.pending) {
      this.pending.delete(key);
      return key;
    }
    return undefined;
  }

  private async worker(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const key = this.next();
      if (key === undefined) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      await this.process(key, signal);
    }
  }

  private async process(key: string, signal: AbortSignal): Promise<void> {
    this.active.add(key);
    try {
      const result = await this.reconcile(key, signal);
      this.forget(key);
      if (result?.requeueAfterMs !== undefined && !signal.aborted) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      this.opts.onError?.(key, err);
      if (!signal.aborted) this.addRateLimited(key);
    } finally {
      this.active.delete(key);
      if (this.dirty.delete(key)) this.add(key);
    }
  }
}
