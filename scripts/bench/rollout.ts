/**
 * Benchmark (issue 11): rollouts on pikube and on Docker Swarm, side by side in one run, on
 * the same fresh two-node simulated cluster (Swarm runs on the nodes' own dockerds). For each
 * replica count N, pikube first, then Swarm: create → N replicas running and ready, then a
 * rolling update to a second tag of the image (maxSurge 1 / maxUnavailable 0; Swarm:
 * parallelism 1, start-first), each with the control plane's CPU seconds and RSS (pikube's
 * control-plane process; Swarm's manager dockerd). Prints pikube's figure, Swarm's and their
 * ratio, and writes them as JSON (default docs/bench/rollout.json).
 *
 *   npm run bench:rollout -- [--replicas 6,30] [--pikube-workload deployment|replicaset]
 *     [--sides pikube,swarm] [--ready-timeout-seconds 300] [--rollout-timeout-seconds 900] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Cluster } from '../cluster/cluster';
import { onFreshCluster } from './fresh-cluster';
import { measurePikubeRollout } from './pikube-rollout-scenario';
import { CONTROL_PLANE, type PhaseResult, type SideResult } from './rollout-result';
import { tagSecondImage, type PikubeWorkload } from './rollout-workload';
import { measureSwarmRollout } from './swarm-rollout-scenario';
import { integerOption } from './integer-option';
import { uptime } from './machine-load';

type Side = 'pikube' | 'swarm';

const NODES = ['pi1', 'pi2'];

interface Options {
  replicas: number[];
  workload: PikubeWorkload;
  sides: Side[];
  readyTimeoutMs: number;
  rolloutTimeoutMs: number;
  /** The agents' `--sandbox-network` (agent/network/veth-sandboxes.ts). */
  sandboxNetwork: 'docker' | 'veth';
  out: string;
}

/** pikube's figure over Swarm's: below 1 is pikube faster (or leaner). */
interface Ratios {
  createToReady?: number;
  rollout?: number;
  controlPlaneCpuSeconds: { createToReady?: number; rollout?: number };
  controlPlaneRssMaxMiB: { createToReady?: number; rollout?: number };
}

interface Comparison {
  replicas: number;
  pikube?: SideResult;
  swarm?: SideResult;
  errors: Partial<Record<Side, string>>;
  ratio: Ratios;
}

interface Result {
  nodes: string[];
  pikubeWorkload: PikubeWorkload;
  /** How the agents attached pod sandboxes (`--sandbox-network`). */
  sandboxNetwork: 'docker' | 'veth';
  runs: Comparison[];
  /** False while runs are still to come (the file is rewritten after each replica count). */
  complete: boolean;
  date: string;
  machine: string;
  /** `uptime` before and after the run: the machine is shared. */
  uptime: { before: string; after: string };
  totalSeconds: number;
}

function oneOf<T extends string>(value: string, flag: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new Error(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return found;
}

function options(): Options {
  const { values } = parseArgs({ options: {
    replicas: { type: 'string', default: '6,30' }, 'pikube-workload': { type: 'string', default: 'deployment' },
    sides: { type: 'string', default: 'pikube,swarm' }, 'ready-timeout-seconds': { type: 'string', default: '300' },
    'rollout-timeout-seconds': { type: 'string', default: '900' }, 'sandbox-network': { type: 'string', default: 'veth' }, out: { type: 'string', default: 'docs/bench/rollout.json' } } });
  return {
    replicas: values.replicas.split(',').map((r) => integerOption(r.trim(), '--replicas', 1, 100)),
    workload: oneOf(values['pikube-workload'], '--pikube-workload', ['deployment', 'replicaset'] as const),
    sides: values.sides.split(',').map((s) => oneOf(s.trim(), '--sides', ['pikube', 'swarm'] as const)),
    readyTimeoutMs: integerOption(values['ready-timeout-seconds'], '--ready-timeout-seconds', 10, 3600) * 1000,
    rolloutTimeoutMs: integerOption(values['rollout-timeout-seconds'], '--rollout-timeout-seconds', 10, 3600) * 1000,
    sandboxNetwork: oneOf(values['sandbox-network'], '--sandbox-network', ['docker', 'veth'] as const),
    out: values.out,
  };
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : Math.round((a / b) * 100) / 100;
}

function ratios(pikube: SideResult | undefined, swarm: SideResult | undefined): Ratios {
  const of = (pick: (p: PhaseResult) => number | undefined, phase: 'createToReady' | 'rollout'): number | undefined => {
    const [a, b] = [pikube?.[phase], swarm?.[phase]];
    return ratio(a === undefined ? undefined : pick(a), b === undefined ? undefined : pick(b));
  };
  const cpu = (p: PhaseResult): number | undefined => p.usage[CONTROL_PLANE]?.cpuSeconds;
  const rss = (p: PhaseResult): number | undefined => p.usage[CONTROL_PLANE]?.rssMiB.max;
  return {
    createToReady: of((p) => p.ms, 'createToReady'), rollout: of((p) => p.ms, 'rollout'),
    controlPlaneCpuSeconds: { createToReady: of(cpu, 'createToReady'), rollout: of(cpu, 'rollout') },
    controlPlaneRssMaxMiB: { createToReady: of(rss, 'createToReady'), rollout: of(rss, 'rollout') },
  };
}

/** Runs one side; a failure is recorded (and fails the run) but does not stop the other side. */
async function side(name: Side, run: () => Promise<SideResult>, errors: Comparison['errors']): Promise<SideResult | undefined> {
  try {
    return await run();
  } catch (err) {
    errors[name] = err instanceof Error ? err.message : String(err);
    console.error(`rollout: ${name}: ${errors[name]}`);
    process.exitCode = 1;
    return undefined;
  }
}

async function compare(cluster: Cluster, opts: Options, replicas: number): Promise<Comparison> {
  const errors: Comparison['errors'] = {};
  const limits = { readyTimeoutMs: opts.readyTimeoutMs, rolloutTimeoutMs: opts.rolloutTimeoutMs };
  const pikube = opts.sides.includes('pikube') ? await side('pikube', () => measurePikubeRollout(cluster, opts.workload, replicas, limits), errors) : undefined;
  const swarm = opts.sides.includes('swarm') ? await side('swarm', () => measureSwarmRollout(cluster, replicas, limits), errors) : undefined;
  const comparison = { replicas, pikube, swarm, errors, ratio: ratios(pikube, swarm) };
  for (const line of describe(comparison)) console.log(line);
  return comparison;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`;
}

function phaseLines(what: string, p: PhaseResult | undefined, s: PhaseResult | undefined, r: number | undefined): string[] {
  const cp = (x: PhaseResult | undefined): string => {
    const u = x?.usage[CONTROL_PLANE];
    return u === undefined ? '–' : `${u.cpuSeconds ?? '?'} CPU s, RSS max ${u.rssMiB.max ?? '?'} MiB`;
  };
  const all = (side: string, x: PhaseResult | undefined): string[] => x === undefined ? [] :
    [`    ${side} CPU s: ${Object.entries(x.usage).map(([k, u]) => `${k} ${u.cpuSeconds ?? '?'}`).join(', ')} (load ${x.loadAverage1m.start} → ${x.loadAverage1m.end})`];
  return [`  ${what}: pikube ${seconds(p?.ms)}, swarm ${seconds(s?.ms)}, ratio ${r ?? '–'}; control plane: pikube ${cp(p)}, swarm manager ${cp(s)}`,
    ...all('pikube', p), ...all('swarm', s)];
}

function describe(c: Comparison): string[] {
  return [
    `rollout: ${c.replicas} replicas (pikube: ${c.pikube?.workload ?? c.errors.pikube ?? 'not run'}; swarm: ${c.swarm?.workload ?? c.errors.swarm ?? 'not run'})`,
    ...phaseLines('create → all ready', c.pikube?.createToReady, c.swarm?.createToReady, c.ratio.createToReady),
    ...phaseLines('rolling update', c.pikube?.rollout, c.swarm?.rollout, c.ratio.rollout),
    `  replicas per node: pikube ${JSON.stringify(c.pikube?.perNode ?? null)}, swarm ${JSON.stringify(c.swarm?.perNode ?? null)}`,
    ...[...(c.pikube?.notes ?? []), ...(c.swarm?.notes ?? [])].map((n) => `  note: ${n}`),
  ];
}

function save(opts: Options, runs: Comparison[], before: string, started: number, complete: boolean): void {
  const result: Result = {
    nodes: NODES, pikubeWorkload: opts.workload, sandboxNetwork: opts.sandboxNetwork, runs, complete, date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}`,
    uptime: { before, after: uptime() }, totalSeconds: Math.round((performance.now() - started) / 1000),
  };
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
}

async function main(): Promise<void> {
  const opts = options();
  const started = performance.now();
  const before = uptime();
  const runs: Comparison[] = [];
  // The agents' drift check at its real default (the simulation's 2 s would cost the agents CPU the figures do not need).
  await onFreshCluster('rollout', { nodes: NODES, iptablesSyncPeriod: '30s', sandboxNetwork: opts.sandboxNetwork }, async (cluster) => {
    await tagSecondImage(cluster.nodes);
    for (const n of opts.replicas) {
      runs.push(await compare(cluster, opts, n));
      save(opts, runs, before, started, false); // what is measured survives a later failure or Ctrl-C
    }
  });
  save(opts, runs, before, started, true);
  console.log(`rollout: machine load before: ${before}; after: ${uptime()}; written to ${opts.out}`);
}

main().catch((err: unknown) => {
  console.error(`rollout: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
