/**
 * A hand-driven ProbeClock: time moves only through `advance`, which fires due timers and
 * timeouts in order and lets the promises they start settle before moving on.
 */
import type { ProbeClock, TimerHandle } from '../../../../agent/probes/probe-clock';

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

export class FakeProbeClock implements ProbeClock {
  private nowMs: number;
  private seq = 0;
  private pending: Pending[] = [];
  randomValue = 0.5;

  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  schedule(fn: () => void, ms: number, kind: Pending['kind'] = 'timer'): TimerHandle {
    const entry: Pending = { kind, atMs: this.nowMs + Math.max(0, ms), seq: this.seq++, fire: fn };
    this.pending.push(entry);
    return { cancel: () => (this.pending = this.pending.filter((p) => p !== entry)) };
  }

  timeout(ms: number): AbortSignal {
    const ctl = new AbortController();
    this.schedule(() => ctl.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms, 'timeout');
    return ctl.signal;
  }

  random(): number {
    return this.randomValue;
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
