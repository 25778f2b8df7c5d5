/**
 * Closed-loop load: N clients, each sending its next request as soon as the previous one is
 * answered, for a fixed time; latencies kept per operation, failures counted by status or error.
 * Latency under N clients on a server that serves one request at a time includes the queueing
 * behind the other N−1, which is what a client sees.
 */
import type { RawResponse } from '../cluster/api-client';
import { loadAverage1m } from './machine-load';
import { measureCpu, type CpuShares } from './phase-cpu';
import { spread, type Spread } from './spread';

/** No single request of a benchmark may hang it: past this it counts as a failure. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A client whose request failed waits this long before the next, so a refusing server is not spun on. */
const FAILURE_PAUSE_MS = 100;

export interface LatencySummary extends Spread {
  count: number;
}

function isSuccess(res: RawResponse): boolean {
  return res.statusCode >= 200 && res.statusCode < 300;
}

/** Latency samples by operation (successes only) and failures by "operation status" or "operation error". */
export class LatencyLog {
  private readonly samples = new Map<string, number[]>();
  private readonly failures = new Map<string, number>();

  /** Times one request; resolves with its answer when it succeeded (2xx), undefined otherwise. */
  async time(operation: string, request: (signal: AbortSignal) => Promise<RawResponse>): Promise<RawResponse | undefined> {
    const start = performance.now();
    try {
      const res = await request(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
      if (isSuccess(res)) this.add(operation, performance.now() - start);
      else this.fail(`${operation} ${res.statusCode}`);
      return isSuccess(res) ? res : undefined;
    } catch (err: unknown) {
      this.fail(`${operation} ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private add(operation: string, ms: number): void {
    const list = this.samples.get(operation) ?? [];
    list.push(ms);
    this.samples.set(operation, list);
  }

  private fail(what: string): void {
    this.failures.set(what, (this.failures.get(what) ?? 0) + 1);
  }

  /** p50/p99/max per operation, plus `all` over every operation when there are several. */
  summary(): Record<string, LatencySummary> {
    const entries = [...this.samples].map(([op, xs]) => [op, { count: xs.length, ...spread(xs) }] as const);
    const all = [...this.samples.values()].flat();
    if (this.samples.size > 1) entries.push(['all', { count: all.length, ...spread(all) }]);
    return Object.fromEntries(entries);
  }

  failureCounts(): Record<string, number> {
    return Object.fromEntries(this.failures);
  }

  successCount(): number {
    return [...this.samples.values()].reduce((n, xs) => n + xs.length, 0);
  }
}

/**
 * Runs `clients` loops for `seconds`; each calls `round(client, n)` until the time is up (a round
 * under way then finishes). A round resolves false when one of its requests failed.
 */
export async function runClients(clients: number, seconds: number, round: (client: number, n: number) => Promise<boolean>): Promise<number> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async (client: number): Promise<void> => {
    for (let n = 0; performance.now() < deadline; n++) {
      if (!(await round(client, n))) await new Promise((r) => setTimeout(r, FAILURE_PAUSE_MS));
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  return (performance.now() - start) / 1000;
}

/** One timed phase: its clients, throughput, latencies, failures and who used the CPU meanwhile. */
export interface LoadPhase {
  clients: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: Record<string, LatencySummary>;
  failures: Record<string, number>;
  cpuPercent: CpuShares;
  /**
   * CPU milliseconds each process spent per successful request: the figure that does not
   * depend on how loaded the machine was (latency and throughput do).
   */
  cpuMsPerRequest: CpuShares;
  /** The machine's 1-minute load average as the phase ended. */
  loadAverage1m: number;
}

/** Runs `round` from `clients` loops for `seconds`, with the CPU of the `pids` measured over it. */
export async function measurePhase(clients: number, seconds: number, pids: Record<string, number | undefined>,
  round: (log: LatencyLog, client: number, n: number) => Promise<boolean>): Promise<LoadPhase> {
  const log = new LatencyLog();
  const { value: elapsed, cpuPercent } = await measureCpu(pids, () => runClients(clients, seconds, (c, n) => round(log, c, n)));
  const perSecond = log.successCount() / elapsed;
  return {
    clients, seconds: Math.round(elapsed * 10) / 10, requestsPerSecond: Math.round(perSecond * 10) / 10,
    latencyMs: log.summary(), failures: log.failureCounts(), cpuPercent, cpuMsPerRequest: perRequest(cpuPercent, perSecond), loadAverage1m: loadAverage1m(),
  };
}

/** % of a core is 10 ms of CPU a second: per request, at `perSecond` requests a second. */
function perRequest(cpuPercent: CpuShares, perSecond: number): CpuShares {
  const ms = (percent: number | undefined): number | undefined => (percent === undefined || perSecond === 0 ? undefined : Math.round((percent * 10 * 100) / perSecond) / 100);
  return Object.fromEntries(Object.entries(cpuPercent).map(([name, percent]) => [name, ms(percent)]));
}
