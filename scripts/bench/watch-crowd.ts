/**
 * Many concurrent watches from the benchmark, each its own HTTPS connection with the admin
 * certificate (a keep-alive agent with a socket per watch), each reading and parsing its
 * stream as an informer does. Records, per watch, when each pod's first MODIFIED event came.
 */
import { ApiClient, type WatchEvent, type WatchHandle } from '../cluster/api-client';

export interface CrowdOpening {
  requested: number;
  opened: number;
  /** Watches not opened, by answer status or error. */
  refused: Record<string, number>;
  seconds: number;
}

export class WatchCrowd {
  private readonly client: ApiClient;
  private readonly handles: WatchHandle[] = [];
  /** Per open watch: pod name → when its first MODIFIED event arrived (performance.now()). */
  private readonly modified: Map<string, number>[] = [];
  private readonly endReasons = new Map<string, number>();

  constructor(kubeconfig: string, private readonly count: number) {
    this.client = new ApiClient(kubeconfig, { maxSockets: count });
  }

  /** Opens the watches, `parallel` handshakes at a time; resolves once each is open or refused. */
  async open(path: string, parallel: number, timeoutMs: number): Promise<CrowdOpening> {
    const refused = new Map<string, number>();
    const start = performance.now();
    let next = 0;
    const opener = async (): Promise<void> => {
      for (let i = next++; i < this.count; i = next++) {
        const outcome = await this.openOne(path, timeoutMs);
        if (outcome !== 'open') refused.set(outcome, (refused.get(outcome) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, this.count) }, opener));
    const seconds = Math.round((performance.now() - start) / 100) / 10;
    return { requested: this.count, opened: this.modified.length, refused: Object.fromEntries(refused), seconds };
  }

  private openOne(path: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve) => {
      const seen = new Map<string, number>();
      const signal = AbortSignal.timeout(timeoutMs);
      let settled = false;
      const settle = (outcome: string): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onTimeout);
        if (outcome === 'open') this.modified.push(seen);
        else handle.close();
        resolve(outcome);
      };
      const onTimeout = (): void => settle('timeout');
      const handle = this.client.watch(path, (ev) => record(seen, ev), {
        onOpen: (status) => settle(status === 200 ? 'open' : `status ${status}`),
        onEnd: (reason) => {
          if (settled) this.endReasons.set(reason, (this.endReasons.get(reason) ?? 0) + 1);
          settle(`error ${reason}`);
        },
      });
      this.handles.push(handle);
      signal.addEventListener('abort', onTimeout, { once: true });
    });
  }

  /** How many open watches have seen a MODIFIED event of the pod. */
  sawModified(name: string): number {
    return this.modified.filter((m) => m.has(name)).length;
  }

  /** For each open watch that saw it, ms from `since` to the pod's first MODIFIED event. */
  delays(name: string, since: number): number[] {
    return this.modified.flatMap((m) => { const at = m.get(name); return at === undefined ? [] : [at - since]; });
  }

  /** Streams that ended after they opened and before close(), by reason. */
  endedStreams(): Record<string, number> {
    return Object.fromEntries(this.endReasons);
  }

  close(): void {
    for (const h of this.handles) h.close();
    this.client.close();
  }
}

function record(seen: Map<string, number>, ev: WatchEvent): void {
  const name = (ev.object.metadata as { name?: string } | undefined)?.name;
  if (ev.type === 'MODIFIED' && name !== undefined && !seen.has(name)) seen.set(name, performance.now());
}
