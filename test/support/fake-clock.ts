/**
 * A hand-driven Clock: time moves only through `advance`, which fires due timers, sleeps and
 * timeouts in order and lets the promises they start settle before moving on.
 */
import type { Clock } from '../../base/clock';
import type { Disposable } from '../../base/disposable';

interface Pending {
  kind: 'timer' | 'timeout';
  atMs: number;
  seq: number;
  fire(): void;
}

/** Lets every promise chain started so far run to its next real wait. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

export class FakeClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private pending: Pending[] = [];
  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  schedule(fn: () => void, ms: number, kind: Pending['kind'] = 'timer'): Disposable {
    const entry: Pending = { kind, atMs: this.nowMs + Math.max(0, ms), seq: this.seq++, fire: fn };
    this.pending.push(entry);
    return { dispose: () => (this.pending = this.pending.filter((p) => p !== entry)) };
  }

  timeout(ms: number): AbortSignal {
    const ctl = new AbortController();
    this.schedule(() => ctl.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms, 'timeout');
    return ctl.signal;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        timer.dispose();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.schedule(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Timers still pending, timeouts aside (for leak checks: timeouts hold nothing, as AbortSignal.timeout). */
  get timers(): number {
    return this.pending.filter((p) => p.kind === 'timer').length;
  }

  /** Moves time forward by `ms`, firing everything due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    await settle();
    for (;;) {
      const next = this.pending.filter((p) => p.atMs <= target).sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.fire();
      await settle();
    }
    this.nowMs = target;
  }
}
