/**
 * Watches API objects and times conditions on them: `waitFor` resolves with the moment
 * (performance.now()) the watch delivered an object satisfying the condition: the last one
 * delivered, if it already does (it may have come while the caller's command was exiting),
 * else the first one from the call on. The time is the event's arrival, not a later poll's.
 * Bounded by a timeout whose message carries the last object seen.
 */
import type { ApiClient, WatchHandle } from '../cluster/api-client';
import { until } from '../cluster/wait-until';

export type ApiObject = Record<string, unknown>;

interface Waiter {
  accepts: (object: ApiObject) => boolean;
  at?: number;
}

export class ObjectSighting {
  private latest: { object: ApiObject; at: number } | undefined;
  private readonly waiters = new Set<Waiter>();
  private readonly watch: WatchHandle;
  private ended: string | undefined;
  private openStatus: number | undefined;

  /** `path` is a watch URL (…?watch=true&labelSelector=…) selecting the objects of interest. */
  constructor(api: ApiClient, path: string) {
    this.watch = api.watch(path, (ev) => this.seen(ev.object), {
      onOpen: (status) => { this.openStatus = status; },
      onEnd: (reason) => { this.ended = reason; },
    });
  }

  /** Resolves once the server has answered the watch with 200: changes from then on are seen. */
  async opened(timeoutMs: number): Promise<void> {
    await until(() => this.openStatus !== undefined, { timeoutMs, intervalMs: 20, describe: () => `watch not answered; ${this.ended ?? 'still open'}` });
    if (this.openStatus !== 200) throw new Error(`watch answered ${this.openStatus}`);
  }

  private seen(object: ApiObject): void {
    const now = performance.now();
    this.latest = { object, at: now };
    for (const w of this.waiters) if (w.at === undefined && w.accepts(object)) w.at = now;
  }

  /** The last object any event carried. */
  get last(): ApiObject | undefined {
    return this.latest?.object;
  }

  async waitFor(accepts: (object: ApiObject) => boolean, timeoutMs: number, what: string): Promise<number> {
    const waiter: Waiter = { accepts, at: this.latest !== undefined && accepts(this.latest.object) ? this.latest.at : undefined };
    this.waiters.add(waiter);
    try {
      const describe = (): string => `${what}; watch ${this.ended === undefined ? 'open' : `ended (${this.ended})`}; last status: ${JSON.stringify(this.latest?.object.status ?? null)}`;
      return await until(() => waiter.at, { timeoutMs, intervalMs: 20, describe });
    } finally {
      this.waiters.delete(waiter);
    }
  }

  close(): void {
    this.watch.close();
  }
}
