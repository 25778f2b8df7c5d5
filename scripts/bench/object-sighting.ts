/**
 * Watches API objects and times conditions on them: `waitFor` resolves with the moment
 * (performance.now()) of the first watch event, from the call on, whose object satisfies the
 * condition; the time is the event's arrival, not a later poll's. Bounded by a timeout whose
 * message carries the last object seen.
 */
import type { ApiClient, WatchHandle } from '../cluster/api-client';
import { until } from '../cluster/wait-until';

export type ApiObject = Record<string, unknown>;

interface Waiter {
  accepts: (object: ApiObject) => boolean;
  at?: number;
}

export class ObjectSighting {
  private latest: ApiObject | undefined;
  private readonly waiters = new Set<Waiter>();
  private readonly watch: WatchHandle;
  private ended: string | undefined;

  /** `path` is a watch URL (…?watch=true&labelSelector=…) selecting the objects of interest. */
  constructor(api: ApiClient, path: string) {
    this.watch = api.watch(path, (ev) => this.seen(ev.object), { onEnd: (reason) => { this.ended = reason; } });
  }

  private seen(object: ApiObject): void {
    const now = performance.now();
    this.latest = object;
    for (const w of this.waiters) if (w.at === undefined && w.accepts(object)) w.at = now;
  }

  /** The last object any event carried. */
  get last(): ApiObject | undefined {
    return this.latest;
  }

  async waitFor(accepts: (object: ApiObject) => boolean, timeoutMs: number, what: string): Promise<number> {
    const waiter: Waiter = { accepts };
    this.waiters.add(waiter);
    try {
      const describe = (): string => `${what}; watch ${this.ended === undefined ? 'open' : `ended (${this.ended})`}; last status: ${JSON.stringify(this.latest?.status ?? null)}`;
      return await until(() => waiter.at, { timeoutMs, intervalMs: 20, describe });
    } finally {
      this.waiters.delete(waiter);
    }
  }

  close(): void {
    this.watch.close();
  }
}
