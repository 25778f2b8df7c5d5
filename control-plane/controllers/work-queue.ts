/**
 * A rate-limited queue of keys (STYLE.md rule 4): handlers enqueue `namespace/name`; workers
 * call `reconcile(key, signal)`. A key is never processed by two workers at once; a key added
 * while it is being processed runs again afterwards. Success forgets the key's backoff;
 * failure requeues it with per-key exponential backoff.
 */
export type Reconcile = (key: string, signal: AbortSignal) => Promise<void>;

export interface WorkQueueOptions {
  workers?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?: (key: string, err: unknown) => void;
}

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private waiters: (() => void)[] = [];

  constructor(private readonly reconcile: Reconcile, private readonly opts: WorkQueueOptions = {}) {}

  add(key: string): void {
    if (this.active.has(key)) this.dirty.add(key);
    else this.pending.add(key);
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Requeues after the key's backoff delay (doubling from baseDelayMs up to maxDelayMs). */
  addRateLimited(key: string): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const delay = Math.min((this.opts.baseDelayMs ?? 100) * 2 ** (n - 1), this.opts.maxDelayMs ?? 30_000);
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => (this.timers.delete(key), this.add(key)), delay));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.pending.size;
  }

  /** Runs the workers until `signal` aborts; timers are cleared then. */
  async run(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => this.wakeAll();
    signal.addEventListener('abort', onAbort, { once: true });
    const workers = Array.from({ length: this.opts.workers ?? 1 }, () => this.worker(signal));
    await Promise.all(workers);
    signal.removeEventListener('abort', onAbort);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
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
      await this.reconcile(key, signal);
      this.forget(key);
    } catch (err) {
      this.opts.onError?.(key, err);
      if (!signal.aborted) this.addRateLimited(key);
    } finally {
      this.active.delete(key);
      if (this.dirty.delete(key)) this.add(key);
    }
  }
}
