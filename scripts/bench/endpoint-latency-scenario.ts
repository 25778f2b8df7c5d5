/**
 * The latency part of the network-programming benchmark: one selectorless Service whose
 * EndpointSlice (written by the benchmark) holds endpoints that are not ready; each change
 * flips the next endpoint's `conditions.ready` to true with one PUT, and the time is taken
 * from just before that write until every node's rules send the service's traffic to the
 * endpoint (the jump to its SEP chain in the service's SVC chain: written in the same
 * restore, hence the same atomic commit, as the SEP chain's DNAT).
 *
 * Isolated changes wait `gapMs` after the rule is live everywhere, so each arrives after the
 * agents' minimum sync interval has passed (the pipeline's own latency); rapid changes follow
 * each other at once, so each waits out that interval (what a steady stream of changes sees).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EndpointSlice } from '../../api/service-v1';
import type { ApiClient } from '../cluster/api-client';
import { cpuBetween, readCpu } from './cpu-with-children';
import { benchService, benchSlice, endpointAddress, servicePortName, SERVICES_PATH, slicePath, SLICES_PATH, TARGET_PORT } from './network-objects';
import { loadAverage1m } from './machine-load';
import type { NodeRules } from './node-rules';
import { commitsSince } from './nft-generation';
import { clusterIPEntries, endpointJumps } from './proxy-rules-text';
import { sight, type Sighting } from './rule-sighting';
import { spread, type Spread } from './spread';

const SERVICE = 'net-latency';
const ADDRESS_BLOCK = 97;
const CHANGE_TIMEOUT_MS = 60_000;

export interface LatencyOptions {
  changes: number;
  rapidChanges: number;
  pollIntervalMs: number;
  gapMs: number;
  /** Notes the start of a phase on the benchmark's timeline. */
  mark?: (phase: string) => void;
}

export interface LatencySeries {
  changes: number;
  /** Pause after each change was live on every node, before the next write. */
  gapMs: number;
  /** The PUT's round trip (API, validation, etcd). */
  writeMs: Spread;
  /** Write → the rule live on every node (the slowest node). */
  toEveryNodeMs: Spread;
  perNodeMs: Record<string, Spread>;
  /** When the series began (wall clock, as the agents' log lines are stamped). */
  startedAt: string;
  /**
   * Each change in order: its write, in seconds since `startedAt`, the write's own round trip,
   * and write → live on every node; to tell a slow write from a slow agent, and outliers that
   * recur with a period (a drift check, say) from scattered ones.
   */
  inOrder: { atS: number[]; writeMs: number[]; toEveryNodeMs: number[] };
  /** nf_tables commits over the series, per node: the agent's writes (a partial restore touching nat only commits once). */
  commits: Record<string, number | undefined>;
  /** CPU the benchmark's own reads (nsenter + iptables, all nodes) took while waiting, in % of one core: they compete with the agents. */
  readerCpuPercent?: number;
}

export interface LatencyResult {
  service: string;
  pollIntervalMs: number;
  /** Mean time of one `iptables -S <chain>` read, which with the interval bounds the precision. */
  meanReadMs: number;
  isolated: LatencySeries;
  rapid?: LatencySeries;
  loadAverage1m: { start: number; end: number };
}

interface Sample {
  /** The write's start, performance.now(). */
  at: number;
  writeMs: number;
  perNode: number[];
}

class LatencyRun {
  private slice!: EndpointSlice;
  private svcChain = '';
  private reads = 0;
  private readMs = 0;

  constructor(private readonly api: ApiClient, private readonly nodes: NodeRules[], private readonly opts: LatencyOptions) {}

  /** Creates the service and its slice (every endpoint not ready), makes endpoint 0 ready and waits for it everywhere. */
  async prepare(endpoints: number): Promise<void> {
    await this.api.request('POST', SERVICES_PATH, benchService(SERVICE));
    const all = Array.from({ length: endpoints }, (_, j) => ({ ip: endpointAddress(ADDRESS_BLOCK, j), ready: false }));
    this.slice = await this.api.request<EndpointSlice>('POST', SLICES_PATH, benchSlice(SERVICE, all));
    this.svcChain = await this.entryChain(0);
  }

  /** Flips endpoint 0 and returns the SVC chain the service's entry rule jumps to, once every node has it. */
  private async entryChain(j: number): Promise<string> {
    await this.makeReady(j);
    const chains = await Promise.all(this.nodes.map(async (n) => {
      let chain: string | undefined;
      await sight(async () => (chain = clusterIPEntries(await n.chain('nat', 'PIKUBE-SERVICES')).get(servicePortName(SERVICE))) !== undefined,
        { intervalMs: this.opts.pollIntervalMs, timeoutMs: CHANGE_TIMEOUT_MS, describe: () => `no ClusterIP rule for ${SERVICE} on ${n.node}` });
      return chain ?? '';
    }));
    if (new Set(chains).size !== 1) throw new Error(`nodes disagree on the SVC chain of ${SERVICE}: ${chains.join(', ')}`);
    return chains[0];
  }

  private async makeReady(j: number): Promise<void> {
    const next = structuredClone(this.slice);
    next.endpoints[j].conditions = { ready: true, serving: true, terminating: false };
    this.slice = await this.api.request<EndpointSlice>('PUT', slicePath(next), next);
  }

  /** One change: endpoint j becomes ready; when is it live on each node. */
  async change(j: number): Promise<Sample> {
    const target = `${endpointAddress(ADDRESS_BLOCK, j)}:${TARGET_PORT}`;
    const t0 = performance.now();
    const write = this.makeReady(j).then(() => performance.now() - t0);
    const sightings = Promise.all(this.nodes.map((n) => sight(
      async () => endpointJumps(await n.chain('nat', this.svcChain), servicePortName(SERVICE)).has(target),
      { intervalMs: this.opts.pollIntervalMs, timeoutMs: CHANGE_TIMEOUT_MS, describe: () => `${target} not in ${this.svcChain} on ${n.node}` })));
    const [writeMs, seen] = await Promise.all([write, sightings]);
    this.count(seen);
    return { at: t0, writeMs, perNode: seen.map((s) => s.at - t0) };
  }

  private count(seen: Sighting[]): void {
    for (const s of seen) {
      this.reads += s.reads;
      this.readMs += s.readMs;
    }
  }

  async series(from: number, count: number, gapMs: number): Promise<LatencySeries> {
    const before = await Promise.all(this.nodes.map((n) => n.generation()));
    const readerBefore = readCpu(process.pid);
    const [startedAt, start] = [new Date().toISOString(), performance.now()];
    const samples: Sample[] = [];
    for (let j = from; j < from + count; j++) {
      samples.push(await this.change(j));
      if (gapMs > 0) await sleep(gapMs);
    }
    const readerCpu = cpuBetween(readerBefore, readCpu(process.pid)).children;
    const after = await Promise.all(this.nodes.map((n) => n.generation()));
    const waitedS = samples.reduce((sum, s) => sum + Math.max(...s.perNode), 0) / 1000;
    const perNodeMs = Object.fromEntries(this.nodes.map((n, i) => [n.node, spread(samples.map((s) => s.perNode[i]))]));
    const commits = Object.fromEntries(this.nodes.map((n, i) => [n.node, commitsSince(before[i], after[i])]));
    const slowest = samples.map((s) => Math.max(...s.perNode));
    const inOrder = { atS: samples.map((s) => Math.round((s.at - start) / 100) / 10), writeMs: samples.map((s) => Math.round(s.writeMs)), toEveryNodeMs: slowest.map(Math.round) };
    return { changes: count, gapMs, writeMs: spread(samples.map((s) => s.writeMs)), toEveryNodeMs: spread(slowest), perNodeMs, startedAt, inOrder, commits,
      readerCpuPercent: readerCpu === undefined ? undefined : Math.round((readerCpu / waitedS) * 1000) / 10 };
  }

  get meanReadMs(): number {
    return this.reads === 0 ? NaN : Math.round((this.readMs / this.reads) * 10) / 10;
  }
}

export async function measureEndpointLatency(api: ApiClient, nodes: NodeRules[], opts: LatencyOptions): Promise<LatencyResult> {
  const loadStart = loadAverage1m();
  const run = new LatencyRun(api, nodes, opts);
  opts.mark?.('latency: service and slice created');
  await run.prepare(1 + opts.changes + opts.rapidChanges);
  await sleep(opts.gapMs);
  opts.mark?.(`latency: ${opts.changes} isolated changes`);
  const isolated = await run.series(1, opts.changes, opts.gapMs);
  opts.mark?.(`latency: ${opts.rapidChanges} rapid changes`);
  const rapid = opts.rapidChanges > 0 ? await run.series(1 + opts.changes, opts.rapidChanges, 0) : undefined;
  return { service: SERVICE, pollIntervalMs: opts.pollIntervalMs, meanReadMs: run.meanReadMs, isolated, rapid, loadAverage1m: { start: loadStart, end: loadAverage1m() } };
}

export function describeLatency(r: LatencyResult): string[] {
  const line = (name: string, s: LatencySeries) =>
    `  ${name}: ${s.changes} changes (gap ${s.gapMs} ms): ready → live on every node p50 ${s.toEveryNodeMs.p50} ms, p99 ${s.toEveryNodeMs.p99} ms, max ${s.toEveryNodeMs.max} ms; the write itself p50 ${s.writeMs.p50} ms; per node ${JSON.stringify(s.perNodeMs)}; nf_tables commits ${JSON.stringify(s.commits)}; the benchmark's reads took ${s.readerCpuPercent} % of a core while waiting`;
  return [
    `endpoint latency (${r.service}; nodes polled every ${r.pollIntervalMs} ms + a ${r.meanReadMs} ms read):`,
    line('isolated', r.isolated),
    ...(r.rapid ? [line('rapid', r.rapid)] : []),
    `  machine load (1-min average) ${r.loadAverage1m.start} → ${r.loadAverage1m.end}`,
  ];
}
