/**
 * Pings the container runtime (Docker's `/_ping`) every interval, each ping bounded by a
 * timeout (a frozen dockerd never answers), and calls `onChange` with the node's new Ready
 * condition when readiness flips (runtime-readiness.ts decides). Runs until its signal aborts.
 */
import type { NodeCondition } from '../../api/core-v1';
import type { Clock } from '../../base/clock';
import { afterPing, INITIALLY_READY, readyCondition, runtimeError, type RuntimeReadiness } from './runtime-readiness';

export interface RuntimePing {
  /** Resolves when the runtime answered; rejects otherwise (and when `signal` aborts). */
  ping(signal: AbortSignal): Promise<void>;
}

export interface RuntimeHealthOptions {
  runtime: RuntimePing;
  clock: Clock;
  intervalMs: number;
  timeoutMs: number;
  failuresBeforeNotReady?: number;
  onChange(condition: NodeCondition): void;
  log(message: string): void;
}

export class RuntimeHealth {
  private state: RuntimeReadiness = INITIALLY_READY;

  constructor(private readonly opts: RuntimeHealthOptions) {}

  /** The Ready condition as of the last ping (True before the first). */
  condition(): NodeCondition {
    return readyCondition(this.state);
  }

  /** Why the runtime keeps the node not ready as of the last ping; undefined while it answers. */
  error(): string | undefined {
    return runtimeError(this.state);
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // One failed check (a throwing listener) must not end the watch for good.
      await this.check(signal).catch((err: unknown) => this.opts.log(`runtime check failed: ${err instanceof Error ? err.message : String(err)}`));
      await this.opts.clock.sleep(this.opts.intervalMs, signal).catch(() => undefined);
    }
  }

  private async check(signal: AbortSignal): Promise<void> {
    const bounded = AbortSignal.any([signal, this.opts.clock.timeout(this.opts.timeoutMs)]);
    // Raced with the signal: a client that ignores its abort (a socket to a frozen dockerd) must not hold the checks up.
    const error = await Promise.race([this.opts.runtime.ping(bounded), rejectedOnAbort(bounded, `no answer within ${this.opts.timeoutMs} ms`)])
      .then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)) || 'no answer');
    if (signal.aborted) return;
    const next = afterPing(this.state, error, this.opts.failuresBeforeNotReady);
    const flipped = next.ready !== this.state.ready;
    this.state = next;
    if (!flipped) return;
    const condition = readyCondition(next);
    this.opts.log(next.ready ? 'container runtime answers again: node Ready' : `node not Ready: ${condition.message ?? ''}`);
    this.opts.onChange(condition);
  }
}

/** Rejects with `message` once `signal` aborts. */
function rejectedOnAbort(signal: AbortSignal, message: string): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(new Error(message));
    signal.addEventListener('abort', () => reject(new Error(message)), { once: true });
  });
}
