/**
 * Keeps cluster DNS serving on the pod bridge's address (the pods' nameserver): the first
 * attempt is awaited, a failed bind (another DNS server on :53) is retried every `retryMs` in
 * the background, and a newer address ends the retries for an older one. `problem()` says why
 * DNS is not answering where it should, for the node's network readiness (network-readiness.ts);
 * `onChange` hears when that may have changed.
 */
import type { Clock } from '../../base/clock';

export interface BridgeDnsOptions {
  /** Moves the server to `address` (ServiceNetworking.serveDns); rejects when it cannot bind. */
  serve(address: string): Promise<void>;
  clock: Clock;
  signal: AbortSignal;
  onChange(): void;
  log(message: string): void;
  /** Default 5 s. */
  retryMs?: number;
}

export class BridgeDns {
  /** The address DNS should serve on: the last one asked for. */
  private wanted?: string;
  private servingAt?: string;
  private lastError?: string;
  private generation = 0;

  constructor(private readonly opts: BridgeDnsOptions) {}

  /** Resolves after the first attempt at `address`; on failure keeps trying until it binds or another address is asked for. */
  async serve(address: string): Promise<void> {
    const generation = ++this.generation;
    this.wanted = address;
    if (await this.attempt(address)) return;
    void this.retry(address, generation);
  }

  /** Why DNS does not answer on the wanted address; undefined while it does (or while no address is wanted yet). */
  problem(): string | undefined {
    if (this.wanted === undefined || this.servingAt === this.wanted) return undefined;
    return `cluster DNS not serving on ${this.wanted}:53${this.lastError ? `: ${this.lastError}` : ' yet'}`;
  }

  private async retry(address: string, generation: number): Promise<void> {
    const current = (): boolean => !this.opts.signal.aborted && generation === this.generation;
    while (current()) {
      await this.opts.clock.sleep(this.opts.retryMs ?? 5000, this.opts.signal).catch(() => undefined);
      if (!current() || (await this.attempt(address))) return;
    }
  }

  private async attempt(address: string): Promise<boolean> {
    try {
      await this.opts.serve(address);
      this.servingAt = address;
      this.lastError = undefined;
      return true;
    } catch (err: unknown) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.opts.log(`cluster DNS cannot serve on ${address}:53: ${this.lastError}; retrying in ${(this.opts.retryMs ?? 5000) / 1000} s`);
      return false;
    } finally {
      this.opts.onChange();
    }
  }
}
