/**
 * The scale part of the network-programming benchmark: N selectorless Services, each with an
 * EndpointSlice of 3 ready endpoints, created through the API with bounded concurrency; the
 * time from the first create until every node has the ClusterIP entry rule of all N (the
 * agent writes it only for a service with ready endpoints, and each slice arrives whole, so
 * entry rule present = all 3 endpoints programmed; a full `iptables-save` checks the DNATs at
 * the end), each agent's CPU over that window (its own and its iptables children's), the
 * nf_tables commits (the agent's writes) and RSS. Then the agents sit idle for a while with N services
 * (the steady cost, drift checks included), and then single changes on top: one endpoint
 * added to one service, time to live on every node and CPU per change.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EndpointSlice } from '../../api/service-v1';
import type { ApiClient } from '../cluster/api-client';
import type { Cluster } from '../cluster/cluster';
import { cpuBetween, readCpu, type CpuReading, type CpuSeconds } from './cpu-with-children';
import { loadAverage1m } from './machine-load';
import { benchService, benchSlice, endpointAddress, NAMESPACE, servicePortName, SERVICES_PATH, slicePath, SLICES_PATH, TARGET_PORT } from './network-objects';
import { commitsSince } from './nft-generation';
import type { NodeRules } from './node-rules';
import { clusterIPEntries, countClusterIPEntries, countDnatRules, endpointJumps } from './proxy-rules-text';
import { sight } from './rule-sighting';
import { spread, type Spread } from './spread';
import { rssMiB } from './stats';

const SERVICE_PREFIX = 'scale-';
/** Rule comments of the scale services start with this. */
const PREFIX = `${NAMESPACE}/${SERVICE_PREFIX}`;
const ENDPOINTS_PER_SERVICE = 3;
const ADDRESS_BLOCK = 96;
const EXTRA_ADDRESS_BLOCK = 98;
const SCALE_TIMEOUT_MS = 900_000;
const CHANGE_TIMEOUT_MS = 60_000;

export interface ScaleOptions {
  services: number;
  concurrency: number;
  /** Between reads while waiting for all N services (a read of PIKUBE-SERVICES grows with N). */
  pollIntervalMs: number;
  /** Between reads while waiting for one single change. */
  changePollIntervalMs: number;
  idleSeconds: number;
  singleChanges: number;
  /** Pause after each single change is live everywhere (so the next one is not rate-limited). */
  gapMs: number;
  /** Notes the start of a phase on the benchmark's timeline. */
  mark?: (phase: string) => void;
}

type PerNode<T> = Record<string, T>;

interface NodeApply {
  /** First create → this node's rules for all N services seen. */
  liveMs: number;
  cpuSeconds: CpuSeconds;
  /**
   * nf_tables commits in the namespace over the window (Docker is idle: all are the agent's):
   * 2 per full restore, 1 per table a partial restore changes (nft-generation.ts).
   */
  commits?: number;
  /** Rules counted in a full `iptables-save -t nat` afterwards. */
  clusterIPRules: number;
  dnatRules: number;
  reads: number;
}

export interface ScaleResult {
  services: number;
  endpointsPerService: number;
  concurrency: number;
  pollIntervalMs: number;
  changePollIntervalMs: number;
  /** First create → last create answered (2 writes per service). */
  writesMs: number;
  /** First create → every node has every service's rules. */
  allLiveMs: number;
  /** Last create answered → every node has every service's rules. */
  lastWriteToAllLiveMs: number;
  perNode: PerNode<NodeApply>;
  controlPlaneCpuSeconds?: number;
  /** CPU of the benchmark's own reads over the window (all nodes). */
  readerCpuSeconds?: number;
  rssMiB: { agents: PerNode<number | undefined>; controlPlane?: number };
  /** `commits` should be 0: drift checks only read, unless a rule went missing. */
  idle: { seconds: number; cpuPercentOfOneCore: PerNode<CpuSeconds>; commits: PerNode<number | undefined>; rssMiBAtEnd: ScaleResult['rssMiB'] };
  singleChange: {
    changes: number;
    gapMs: number;
    toEveryNodeMs: Spread;
    perNodeMs: PerNode<Spread>;
    /** Mean CPU per change over [write, live everywhere + gap]; `net` subtracts the idle rate over that window. */
    cpuSecondsPerChange: PerNode<{ raw: CpuSeconds; netTotal?: number }>;
    /** nf_tables commits per change (a partial restore of the nat table alone: 1). */
    commitsPerChange: PerNode<number | undefined>;
    /** CPU of the benchmark's own reads while waiting, in % of one core (they compete with the agents). */
    readerCpuPercent?: number;
  };
  loadAverage1m: { start: number; afterApply: number; end: number };
}

/** One single change, per node in `nodes` order. */
interface ChangeSample {
  perNode: number[];
  cpu: CpuSeconds[];
  /** Write → live everywhere + gap, in seconds: the window the CPU was read over. */
  windowS: number;
  commits: (number | undefined)[];
  /** CPU of the benchmark's reads between the write and the last sighting. */
  readerCpuSeconds?: number;
}

interface NodeBaseline {
  cpu: CpuReading;
  generation?: number;
}

async function baselineOf(cluster: Cluster, nodes: NodeRules[]): Promise<NodeBaseline[]> {
  return Promise.all(nodes.map(async (n) => ({ cpu: readCpu(agentPid(cluster, n.node)), generation: await n.generation() })));
}

function agentPid(cluster: Cluster, node: string): number | undefined {
  return cluster.nodes.find((n) => n.name === node)?.agent?.pid;
}

/** Runs `work(i)` for i in 0..count-1, at most `limit` at a time. */
async function pool(count: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

class ScaleRun {
  private readonly slices: EndpointSlice[] = [];
  /** SVC chain of each service, from the full save after the apply. */
  private readonly svcChains = new Map<string, string>();
  /** CPU seconds each agent used over the idle window, to net out of the single changes. */
  private idleCpu: PerNode<{ own?: number; children?: number; seconds: number }> = {};

  constructor(private readonly cluster: Cluster, private readonly api: ApiClient, private readonly nodes: NodeRules[], private readonly opts: ScaleOptions) {}

  private async createService(i: number): Promise<void> {
    const name = `${SERVICE_PREFIX}${i}`;
    await this.api.request('POST', SERVICES_PATH, benchService(name));
    const endpoints = Array.from({ length: ENDPOINTS_PER_SERVICE }, (_, k) => ({ ip: endpointAddress(ADDRESS_BLOCK, i * ENDPOINTS_PER_SERVICE + k), ready: true }));
    this.slices[i] = await this.api.request<EndpointSlice>('POST', SLICES_PATH, benchSlice(name, endpoints));
  }

  /** Waits until `node` has all N entry rules; its CPU and commits are read at that moment. */
  private async nodeLive(n: NodeRules, t0: number, before: NodeBaseline): Promise<Omit<NodeApply, 'clusterIPRules' | 'dnatRules'>> {
    let seen = 0;
    const s = await sight(async () => (seen = countClusterIPEntries(await n.chain('nat', 'PIKUBE-SERVICES'), PREFIX)) >= this.opts.services,
      { intervalMs: this.opts.pollIntervalMs, timeoutMs: SCALE_TIMEOUT_MS, describe: () => `${seen}/${this.opts.services} services' rules on ${n.node}` });
    const cpu = readCpu(agentPid(this.cluster, n.node));
    const commits = commitsSince(before.generation, await n.generation());
    return { liveMs: Math.round(s.at - t0), cpuSeconds: cpuBetween(before.cpu, cpu), commits, reads: s.reads };
  }

  /** Full nat table of each node: the DNAT rules are there too, and every service's SVC chain. */
  private async check(n: NodeRules): Promise<{ clusterIPRules: number; dnatRules: number }> {
    const nat = await n.table('nat');
    for (const [name, chain] of clusterIPEntries(nat)) this.svcChains.set(name, chain);
    return { clusterIPRules: countClusterIPEntries(nat, PREFIX), dnatRules: countDnatRules(nat, PREFIX) };
  }

  async apply(): Promise<Pick<ScaleResult, 'writesMs' | 'allLiveMs' | 'lastWriteToAllLiveMs' | 'perNode' | 'controlPlaneCpuSeconds' | 'readerCpuSeconds'>> {
    const before = await baselineOf(this.cluster, this.nodes);
    const cpBefore = readCpu(this.cluster.controlPlane?.process?.pid);
    const reader = readCpu(process.pid);
    const t0 = performance.now();
    const live = Promise.all(this.nodes.map((n, i) => this.nodeLive(n, t0, before[i])));
    live.catch(() => undefined); // awaited below; a failed create must not leave it unhandled
    await pool(this.opts.services, this.opts.concurrency, (i) => this.createService(i));
    const writesMs = performance.now() - t0;
    const applied = await live;
    const controlPlaneCpuSeconds = cpuBetween(cpBefore, readCpu(this.cluster.controlPlane?.process?.pid)).own;
    const readerCpuSeconds = cpuBetween(reader, readCpu(process.pid)).children;
    const checked = await Promise.all(this.nodes.map((n) => this.check(n)));
    const allLiveMs = Math.max(...applied.map((a) => a.liveMs));
    return {
      writesMs: Math.round(writesMs), allLiveMs, lastWriteToAllLiveMs: Math.round(allLiveMs - writesMs),
      perNode: Object.fromEntries(this.nodes.map((n, i) => [n.node, { ...applied[i], ...checked[i] }])),
      controlPlaneCpuSeconds, readerCpuSeconds,
    };
  }

  /** The agents with N services and nothing changing: their CPU (drift checks included) and commits. */
  async idle(): Promise<ScaleResult['idle']> {
    const before = await baselineOf(this.cluster, this.nodes);
    const start = performance.now();
    await sleep(this.opts.idleSeconds * 1000);
    const seconds = (performance.now() - start) / 1000;
    const after = await baselineOf(this.cluster, this.nodes);
    const cpu: PerNode<CpuSeconds> = {};
    const commits: PerNode<number | undefined> = {};
    this.nodes.forEach((n, i) => {
      const used = cpuBetween(before[i].cpu, after[i].cpu);
      this.idleCpu[n.node] = { own: used.own, children: used.children, seconds };
      cpu[n.node] = { own: pct(used.own, seconds), children: pct(used.children, seconds), total: pct(used.total, seconds) };
      commits[n.node] = commitsSince(before[i].generation, after[i].generation);
    });
    return { seconds: Math.round(seconds * 10) / 10, cpuPercentOfOneCore: cpu, commits, rssMiBAtEnd: this.rss() };
  }

  /** Single change k: a new ready endpoint on one service, spread over the N services. */
  private async singleChange(k: number): Promise<ChangeSample> {
    const i = Math.floor(((k + 0.5) * this.opts.services) / this.opts.singleChanges);
    const name = `${SERVICE_PREFIX}${i}`;
    const svcChain = this.svcChains.get(servicePortName(name));
    if (svcChain === undefined) throw new Error(`no SVC chain seen for ${name}`);
    const ip = endpointAddress(EXTRA_ADDRESS_BLOCK, k);
    const next = structuredClone(this.slices[i]);
    next.endpoints.push({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } });
    const before = await baselineOf(this.cluster, this.nodes);
    const reader = readCpu(process.pid);
    const t0 = performance.now();
    const write = this.api.request<EndpointSlice>('PUT', slicePath(next), next);
    const seen = await Promise.all(this.nodes.map((n) => sight(async () => endpointJumps(await n.chain('nat', svcChain), servicePortName(name)).has(`${ip}:${TARGET_PORT}`),
      { intervalMs: this.opts.changePollIntervalMs, timeoutMs: CHANGE_TIMEOUT_MS, describe: () => `${ip} not in ${svcChain} (${name}) on ${n.node}` })));
    const readerCpuSeconds = cpuBetween(reader, readCpu(process.pid)).children;
    this.slices[i] = await write;
    await sleep(this.opts.gapMs);
    const windowS = (performance.now() - t0) / 1000;
    const after = await baselineOf(this.cluster, this.nodes);
    return { perNode: seen.map((s) => s.at - t0), cpu: before.map((b, j) => cpuBetween(b.cpu, after[j].cpu)), windowS, commits: before.map((b, j) => commitsSince(b.generation, after[j].generation)), readerCpuSeconds };
  }

  async singleChanges(): Promise<ScaleResult['singleChange']> {
    const samples: ChangeSample[] = [];
    for (let k = 0; k < this.opts.singleChanges; k++) samples.push(await this.singleChange(k));
    const perNodeMs: PerNode<Spread> = {};
    const cpuSecondsPerChange: ScaleResult['singleChange']['cpuSecondsPerChange'] = {};
    const commitsPerChange: PerNode<number | undefined> = {};
    this.nodes.forEach((n, j) => {
      perNodeMs[n.node] = spread(samples.map((s) => s.perNode[j]));
      const raw = meanCpu(samples.map((s) => s.cpu[j]));
      const idle = this.idleCpu[n.node];
      const idleRate = idle && idle.own !== undefined && idle.children !== undefined ? (idle.own + idle.children) / idle.seconds : undefined;
      const meanWindow = samples.reduce((a, s) => a + s.windowS, 0) / samples.length;
      cpuSecondsPerChange[n.node] = { raw, netTotal: raw.total === undefined || idleRate === undefined ? undefined : round3(raw.total - idleRate * meanWindow) };
      commitsPerChange[n.node] = mean(samples.map((s) => s.commits[j]));
    });
    const readerCpu = mean(samples.map((s) => s.readerCpuSeconds));
    const meanWaitS = samples.reduce((a, s) => a + Math.max(...s.perNode), 0) / samples.length / 1000;
    return { changes: samples.length, gapMs: this.opts.gapMs, toEveryNodeMs: spread(samples.map((s) => Math.max(...s.perNode))), perNodeMs, cpuSecondsPerChange, commitsPerChange,
      readerCpuPercent: readerCpu === undefined ? undefined : Math.round((readerCpu / meanWaitS) * 1000) / 10 };
  }

  rss(): ScaleResult['rssMiB'] {
    const cpPid = this.cluster.controlPlane?.process?.pid;
    return {
      agents: Object.fromEntries(this.nodes.map((n) => { const pid = agentPid(this.cluster, n.node); return [n.node, pid === undefined ? undefined : rssMiB(pid)]; })),
      controlPlane: cpPid === undefined ? undefined : rssMiB(cpPid),
    };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function pct(seconds: number | undefined, window: number): number | undefined {
  return seconds === undefined ? undefined : Math.round((seconds / window) * 1000) / 10;
}

function mean(xs: (number | undefined)[]): number | undefined {
  if (xs.length === 0 || xs.some((x) => x === undefined)) return undefined;
  return round3((xs as number[]).reduce((a, b) => a + b, 0) / xs.length);
}

function meanCpu(xs: CpuSeconds[]): CpuSeconds {
  return { own: mean(xs.map((x) => x.own)), children: mean(xs.map((x) => x.children)), total: mean(xs.map((x) => x.total)) };
}

export async function measureServiceScale(cluster: Cluster, api: ApiClient, nodes: NodeRules[], opts: ScaleOptions): Promise<ScaleResult> {
  const start = loadAverage1m();
  const run = new ScaleRun(cluster, api, nodes, opts);
  opts.mark?.(`scale: creating ${opts.services} services`);
  const applied = await run.apply();
  opts.mark?.(`scale: all live on every node (writes took ${applied.writesMs} ms)`);
  const rss = run.rss();
  const afterApply = loadAverage1m();
  await sleep(opts.gapMs);
  opts.mark?.(`scale: idle for ${opts.idleSeconds} s`);
  const idle = await run.idle();
  opts.mark?.(`scale: ${opts.singleChanges} single changes`);
  const singleChange = await run.singleChanges();
  opts.mark?.('scale: done');
  return {
    services: opts.services, endpointsPerService: ENDPOINTS_PER_SERVICE, concurrency: opts.concurrency,
    pollIntervalMs: opts.pollIntervalMs, changePollIntervalMs: opts.changePollIntervalMs,
    ...applied, rssMiB: rss, idle, singleChange, loadAverage1m: { start, afterApply, end: loadAverage1m() },
  };
}

export function describeScale(r: ScaleResult): string[] {
  const nodes = Object.entries(r.perNode).map(([name, n]) =>
    `    ${name}: live after ${n.liveMs} ms; CPU ${n.cpuSeconds.own} s agent + ${n.cpuSeconds.children} s iptables children = ${n.cpuSeconds.total} s; ${n.commits ?? '?'} nf_tables commits; ${n.clusterIPRules} ClusterIP rules, ${n.dnatRules} DNAT rules`);
  const change = Object.entries(r.singleChange.cpuSecondsPerChange).map(([name, c]) =>
    `    ${name}: CPU per change ${c.raw.own} s agent + ${c.raw.children} s children = ${c.raw.total} s (net of idle ${c.netTotal} s); ${r.singleChange.commitsPerChange[name] ?? '?'} nf_tables commits per change; live p50 ${r.singleChange.perNodeMs[name].p50} ms`);
  return [
    `scale: ${r.services} services × ${r.endpointsPerService} endpoints (${r.concurrency} writers): writes done after ${r.writesMs} ms; rules live on every node after ${r.allLiveMs} ms (${r.lastWriteToAllLiveMs} ms after the last write)`,
    ...nodes,
    `  control plane CPU over the window ${r.controlPlaneCpuSeconds} s, the benchmark's reads ${r.readerCpuSeconds} s; RSS right after: agents ${JSON.stringify(r.rssMiB.agents)} MiB, control plane ${r.rssMiB.controlPlane} MiB`,
    `  idle ${r.idle.seconds} s with ${r.services} services: CPU % of one core ${JSON.stringify(r.idle.cpuPercentOfOneCore)}, nf_tables commits ${JSON.stringify(r.idle.commits)}; RSS at its end: agents ${JSON.stringify(r.idle.rssMiBAtEnd.agents)} MiB, control plane ${r.idle.rssMiBAtEnd.controlPlane} MiB`,
    `  one change on top (${r.singleChange.changes} changes, gap ${r.singleChange.gapMs} ms): live on every node p50 ${r.singleChange.toEveryNodeMs.p50} ms, p99 ${r.singleChange.toEveryNodeMs.p99} ms, max ${r.singleChange.toEveryNodeMs.max} ms; the benchmark's reads took ${r.singleChange.readerCpuPercent} % of a core while waiting`,
    ...change,
    `  machine load (1-min average) ${r.loadAverage1m.start} → ${r.loadAverage1m.afterApply} after the apply → ${r.loadAverage1m.end}`,
  ];
}
