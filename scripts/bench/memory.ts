/**
 * Benchmark (issue 16): the memory and idle CPU of pikube's processes against the budgets of
 * DESIGN.md (agent ≤ 50 MiB RSS idle with 10 pods; control plane ≤ 100 MiB with 3 nodes and
 * 100 pods; each ≤ 1 % of a core idle). A fresh simulated cluster of `--nodes` nodes whose
 * processes run with the Node.js flags of the systemd units (deploy/systemd, read by
 * unit-node-flags.ts: what is measured is what ships), the agents with kube-proxy's 30 s
 * drift check. Memory is read once the cluster is Ready with no pods; then `--pods` sleeping
 * pods are made, `--agent-pods` of them on the first node and the rest spread over the others;
 * once all are Running and `--settle-seconds` have passed, each process's CPU is read over
 * `--idle-seconds` (utime + stime, as % of one core; 60 s by default, so that the window holds
 * the agent's once-a-minute pass of every pod, agent/pods/container-relist.ts), its RSS sampled, and then its RSS, PSS
 * and private (anonymous) memory read from /proc/<pid>/smaps_rollup.
 * Prints the figures and writes them as JSON (default docs/bench/memory.json).
 *
 *   npm run bench:memory -- [--nodes 3] [--pods 100] [--agent-pods 10] [--settle-seconds 60]
 *     [--idle-seconds 60] [--agent-flags=units|none|"--flag=value …"] [--server-flags=…] [--out FILE]
 *   (the flags options take `=`: their value starts with a dash)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Cluster } from '../cluster/cluster';
import { unitNodeFlags, type PikubeUnit } from '../cluster/unit-node-flags';
import { onFreshCluster } from './fresh-cluster';
import { integerOption } from './integer-option';
import { loadAverage1m, uptime } from './machine-load';
import { placement, runPlacedPods, type Placement } from './placed-pods';
import { processMemory, type ProcessMemory } from './process-memory';
import { measureUsage } from './process-usage';

const BUDGET_AGENT_MIB = 50;
const BUDGET_CONTROL_PLANE_MIB = 100;
const BUDGET_IDLE_CPU_PERCENT = 1;
/** kube-proxy's (and the agent's) drift check period: the simulation's 2 s default would make idle agents busy. */
const IPTABLES_SYNC_PERIOD = '30s';

interface Options {
  nodes: number;
  pods: number;
  agentPods: number;
  settleSeconds: number;
  idleSeconds: number;
  agentFlags: string[];
  serverFlags: string[];
  out: string;
}

interface IdleProcess {
  /** Pods on the process's node (agents and dockerds); the whole cluster's for the control plane. */
  pods?: number;
  memory?: ProcessMemory;
  /** Highest RSS sampled over the idle window. */
  rssMaxMiB?: number;
  cpuPercent?: number;
}

interface Budget {
  what: string;
  limit: number;
  measured?: number;
  met: boolean;
}

interface Result {
  options: Omit<Options, 'out'>;
  date: string;
  machine: string;
  uptime: { before: string; after: string };
  /** Load average (1 min) as the idle window began and ended. */
  idleLoadAverage1m: { start: number; end: number };
  allRunningMs: number;
  /** CPU seconds each process spent while the pods were created and started: what the flags cost when there is work. */
  startCpuSeconds: Record<string, number | undefined>;
  /** Highest RSS sampled while the pods were created and started (MiB): the units' MemoryHigh must clear it. */
  startRssMaxMiB: Record<string, number | undefined>;
  placement: Placement;
  /** Each process's memory once the cluster is Ready, before any pod. */
  noPods: Record<string, ProcessMemory | undefined>;
  idle: Record<string, IdleProcess>;
  budgets: Budget[];
}

function pidsOf(cluster: Cluster): Record<string, number | undefined> {
  return {
    'control plane': cluster.controlPlane?.process?.pid, etcd: cluster.etcd?.process?.pid,
    ...Object.fromEntries(cluster.nodes.flatMap((n) => [[`agent ${n.name}`, n.agent?.pid], [`dockerd ${n.name}`, n.dockerd?.pid]])),
  };
}

function memoryOf(pids: Record<string, number | undefined>): Record<string, ProcessMemory | undefined> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : processMemory(pid)]));
}

function podsOf(name: string, where: Placement, total: number): number | undefined {
  if (name === 'control plane') return total;
  const node = /^(?:agent|dockerd) (.+)$/.exec(name)?.[1];
  return node === undefined ? undefined : where[node];
}

async function idleWindow(cluster: Cluster, o: Options, where: Placement): Promise<Pick<Result, 'idle' | 'idleLoadAverage1m'>> {
  const pids = pidsOf(cluster);
  const measured = await measureUsage(pids, () => delay(o.idleSeconds * 1000));
  const memory = memoryOf(pids);
  const idle = Object.fromEntries(Object.entries(measured.usage).map(([name, u]) => [name, {
    pods: podsOf(name, where, o.pods), memory: memory[name], rssMaxMiB: u.rssMiB.max,
    cpuPercent: u.cpuSeconds === undefined ? undefined : Math.round((u.cpuSeconds / o.idleSeconds) * 1000) / 10,
  }]));
  return { idle, idleLoadAverage1m: measured.loadAverage1m };
}

function budgets(idle: Record<string, IdleProcess>, firstNode: string): Budget[] {
  const check = (what: string, limit: number, measured: number | undefined): Budget => ({ what, limit, measured, met: measured !== undefined && measured <= limit });
  const agents = Object.entries(idle).filter(([name]) => name.startsWith('agent '));
  return [
    check(`agent ${firstNode} RSS MiB (${idle[`agent ${firstNode}`]?.pods} pods)`, BUDGET_AGENT_MIB, idle[`agent ${firstNode}`]?.memory?.rss),
    check(`control plane RSS MiB (${idle['control plane']?.pods} pods)`, BUDGET_CONTROL_PLANE_MIB, idle['control plane']?.memory?.rss),
    check('control plane idle CPU % of a core', BUDGET_IDLE_CPU_PERCENT, idle['control plane']?.cpuPercent),
    ...agents.map(([name, p]) => check(`${name} idle CPU % of a core (${p.pods} pods)`, BUDGET_IDLE_CPU_PERCENT, p.cpuPercent)),
  ];
}

async function scenario(cluster: Cluster, o: Options): Promise<Omit<Result, 'options' | 'uptime' | 'date' | 'machine'>> {
  await delay(o.settleSeconds * 1000);
  const noPods = memoryOf(pidsOf(cluster));
  const names = cluster.nodes.map((n) => n.name);
  const where = placement(names, o.agentPods, o.pods);
  const start = await measureUsage(pidsOf(cluster), () => runPlacedPods(cluster.kubeconfig, 'memory', where, 600_000));
  const startCpuSeconds = Object.fromEntries(Object.entries(start.usage).map(([name, u]) => [name, u.cpuSeconds]));
  const startRssMaxMiB = Object.fromEntries(Object.entries(start.usage).map(([name, u]) => [name, u.rssMiB.max]));
  await delay(o.settleSeconds * 1000);
  const { idle, idleLoadAverage1m } = await idleWindow(cluster, o, where);
  return { allRunningMs: start.value, startCpuSeconds, startRssMaxMiB, placement: where, noPods, idle, idleLoadAverage1m, budgets: budgets(idle, names[0]) };
}

function flagsOption(value: string, unit: PikubeUnit): string[] {
  if (value === 'units') return unitNodeFlags(unit);
  if (value === 'none') return [];
  const flags = value.trim().split(/\s+/);
  const bad = flags.find((f) => !/^--[a-z0-9-]+(=\S+)?$/.test(f));
  if (bad !== undefined) throw new Error(`node flags must be --flag or --flag=value, got "${bad}"`);
  return flags;
}

function options(): Options {
  const { values } = parseArgs({ options: {
    nodes: { type: 'string', default: '3' }, pods: { type: 'string', default: '100' }, 'agent-pods': { type: 'string', default: '10' },
    'settle-seconds': { type: 'string', default: '60' }, 'idle-seconds': { type: 'string', default: '60' },
    'agent-flags': { type: 'string', default: 'units' }, 'server-flags': { type: 'string', default: 'units' },
    out: { type: 'string', default: 'docs/bench/memory.json' } } });
  const nodes = integerOption(values.nodes, '--nodes', 1, 9);
  const pods = integerOption(values.pods, '--pods', 0, 500);
  return {
    nodes, pods, agentPods: integerOption(values['agent-pods'], '--agent-pods', 0, pods),
    settleSeconds: integerOption(values['settle-seconds'], '--settle-seconds', 0, 3600), idleSeconds: integerOption(values['idle-seconds'], '--idle-seconds', 5, 3600),
    agentFlags: flagsOption(values['agent-flags'], 'pikube-agent'), serverFlags: flagsOption(values['server-flags'], 'pikube-server'), out: values.out,
  };
}

function mem(m: ProcessMemory | undefined): string {
  return m === undefined ? 'gone' : `RSS ${m.rss} MiB (PSS ${m.pss}, private ${m.anon}, file-backed ${m.file})`;
}

function report(r: Result): void {
  console.log(`memory: ${r.options.nodes} nodes, ${r.options.pods} pods (${JSON.stringify(r.placement)}), all Running after ${r.allRunningMs} ms`);
  console.log(`  node flags: control plane [${r.options.serverFlags.join(' ')}], agents [${r.options.agentFlags.join(' ')}]`);
  for (const [name, m] of Object.entries(r.noPods)) console.log(`  no pods   ${name.padEnd(14)} ${mem(m)}`);
  console.log(`  while the pods started, CPU s: ${Object.entries(r.startCpuSeconds).map(([name, s]) => `${name} ${s}`).join(', ')}`);
  console.log(`  while the pods started, highest RSS MiB: ${Object.entries(r.startRssMaxMiB).map(([name, m]) => `${name} ${m}`).join(', ')}`);
  for (const [name, p] of Object.entries(r.idle)) {
    console.log(`  idle      ${name.padEnd(14)} ${mem(p.memory)}, max ${p.rssMaxMiB} MiB; CPU ${p.cpuPercent} % of a core; ${p.pods ?? '-'} pods`);
  }
  for (const b of r.budgets) console.log(`  budget ${b.met ? 'met   ' : 'MISSED'} ${b.what}: ${b.measured} (≤ ${b.limit})`);
  console.log(`  load over the idle window ${r.idleLoadAverage1m.start} → ${r.idleLoadAverage1m.end}; uptime before: ${r.uptime.before}; after: ${r.uptime.after}`);
}

async function main(): Promise<void> {
  const o = options();
  const before = uptime();
  const names = Array.from({ length: o.nodes }, (_, i) => `pi${i + 1}`);
  const measured = await onFreshCluster('memory', { nodes: names, iptablesSyncPeriod: IPTABLES_SYNC_PERIOD, nodeFlags: { controlPlane: o.serverFlags, agent: o.agentFlags } },
    (cluster) => scenario(cluster, o));
  const { out, ...rest } = o;
  const result: Result = {
    options: rest, date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}, Node.js ${process.version}`,
    uptime: { before, after: uptime() }, ...measured,
  };
  report(result);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`memory: written to ${out} (load now ${loadAverage1m()})`);
}

main().catch((err: unknown) => {
  console.error(`memory: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
