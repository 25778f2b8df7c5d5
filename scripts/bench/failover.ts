/**
 * Benchmark (issue 12): failover on three simulated Pis. Seconds from a node's unplug to
 * (a) the Service answering without errors (a NodePort polled every 100 ms from another node)
 * and (b) every replica Ready elsewhere, p50 and max over N runs, for a Deployment and a
 * StatefulSet with pikube's defaults, for a Deployment with a tuned control plane, and for
 * the same Deployment scenario with Docker Swarm on the same nodes' dockerds (its defaults,
 * and tuned: 1 s dispatcher heartbeat, no restart delay), with the ratio pikube / Swarm; idle
 * etcd revision growth per minute with 3 nodes and 30 pods; and leader-change time in HA mode
 * (a fresh HA cluster of its own). Prints the figures; writes JSON after each scenario.
 *
 *   npm run bench:failover -- [--runs 5] [--replicas 3] [--idle-pods 30] [--idle-seconds 60]
 *     [--scenarios deployment,statefulset,deployment-tuned,swarm,swarm-tuned,idle-etcd,leader-change] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Cluster } from '../cluster/cluster';
import { describeSummary, seconds, summarise, type FailoverRun, type ScenarioResult } from './failover-result';
import { onFreshCluster } from './fresh-cluster';
import { measureIdleEtcd, type IdleEtcdResult } from './idle-etcd-scenario';
import { integerOption } from './integer-option';
import { measureLeaderChange, type LeaderChangeRun } from './leader-change-scenario';
import { uptime } from './machine-load';
import { measurePikubeFailover } from './pikube-failover-scenario';
import { percentile } from './stats';
import { measureSwarmFailover } from './swarm-failover-scenario';

const SCENARIOS = ['deployment', 'statefulset', 'deployment-tuned', 'swarm', 'swarm-tuned', 'idle-etcd', 'leader-change'] as const;
type Scenario = (typeof SCENARIOS)[number];

const NODES = ['pi1', 'pi2', 'pi3'];
const NODE_PORT = 30190;
/** The tuned control plane: a 1.5 s grace (heartbeats every 300 ms) and no toleration of an unreachable node. */
const TUNED_CONTROL_PLANE = ['--node-monitor-grace-period', '1500ms', '--default-unreachable-toleration-seconds', '0'];

interface Options {
  runs: number;
  replicas: number;
  idlePods: number;
  idleSeconds: number;
  scenarios: Scenario[];
  out: string;
}

interface Result {
  nodes: string[];
  replicas: number;
  scenarios: ScenarioResult[];
  /** pikube's p50 over Swarm's, to every replica ready elsewhere (below 1: pikube faster). */
  ratio: { defaults?: number; tunedBoth?: number; pikubeDefaultsToSwarmTuned?: number };
  idleEtcd?: IdleEtcdResult | { error: string };
  leaderChange?: { runs: LeaderChangeRun[]; p50?: number; max?: number; error?: string };
  complete: boolean;
  date: string;
  machine: string;
  uptime: { before: string; after: string };
  totalSeconds: number;
}

function options(): Options {
  const { values } = parseArgs({ options: {
    runs: { type: 'string', default: '5' }, replicas: { type: 'string', default: '3' }, 'idle-pods': { type: 'string', default: '30' },
    'idle-seconds': { type: 'string', default: '60' }, scenarios: { type: 'string', default: SCENARIOS.join(',') },
    out: { type: 'string', default: 'docs/bench/failover.json' } } });
  const scenarios = values.scenarios.split(',').map((s) => {
    const found = SCENARIOS.find((x) => x === s.trim());
    if (!found) throw new Error(`--scenarios: one or more of ${SCENARIOS.join(', ')}, got "${s}"`);
    return found;
  });
  return {
    runs: integerOption(values.runs, '--runs', 1, 50), replicas: integerOption(values.replicas, '--replicas', 2, 30),
    idlePods: integerOption(values['idle-pods'], '--idle-pods', 1, 100), idleSeconds: integerOption(values['idle-seconds'], '--idle-seconds', 10, 3600),
    scenarios, out: values.out,
  };
}

class Recorder {
  readonly result: Result;
  private readonly started = performance.now();

  constructor(private readonly opts: Options) {
    this.result = {
      nodes: NODES, replicas: opts.replicas, scenarios: [], ratio: {}, complete: false, date: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}`, uptime: { before: uptime(), after: '' }, totalSeconds: 0,
    };
  }

  /** Rewrites the file: what was measured survives a later failure or Ctrl-C. */
  save(complete = false): void {
    const r = this.result;
    const p50 = (name: string): number | undefined => r.scenarios.find((s) => s.scenario === name)?.readyElsewhere?.p50;
    const ratio = (a: number | undefined, b: number | undefined): number | undefined => a === undefined || b === undefined ? undefined : Math.round((a / b) * 100) / 100;
    r.ratio = { defaults: ratio(p50('deployment'), p50('swarm')), tunedBoth: ratio(p50('deployment-tuned'), p50('swarm-tuned')), pikubeDefaultsToSwarmTuned: ratio(p50('deployment'), p50('swarm-tuned')) };
    Object.assign(r, { complete, date: new Date().toISOString(), uptime: { ...r.uptime, after: uptime() }, totalSeconds: Math.round((performance.now() - this.started) / 1000) });
    mkdirSync(path.dirname(this.opts.out), { recursive: true });
    writeFileSync(this.opts.out, `${JSON.stringify(r, null, 2)}\n`);
  }

  /** Runs one failover scenario; a failure is recorded with the runs done so far (and fails the benchmark) but does not stop the others. */
  async scenario(name: string, description: string, run: (onRun: (r: FailoverRun) => void) => Promise<void>): Promise<void> {
    const runs: FailoverRun[] = [];
    let error: string | undefined;
    console.log(`failover: ${name}: ${description}`);
    try {
      await run((r) => {
        runs.push(r);
        console.log(`  run ${runs.length}: unplugged ${r.victim} (${r.lost} replica(s)): errors until ${seconds(r.serviceErrorsMs)} (last failing request sent at ${seconds(r.lastFailedSentMs)}; ${r.failedRequests ?? '–'}/${r.requests ?? '–'} failed), `
          + `all ready elsewhere ${seconds(r.readyElsewhereMs)}, cleaned ${seconds(r.cleanedAfterReplugMs)} after the replug (load ${r.loadAverage1m})`);
      });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      console.error(`failover: ${name}: ${error}`);
      process.exitCode = 1;
    }
    const s = summarise(name, description, runs, error);
    this.result.scenarios.push(s);
    console.log(`  ${name}: ready elsewhere ${describeSummary(s.readyElsewhere)}; service errors ${describeSummary(s.serviceErrors)}, last failing request sent ${describeSummary(s.lastFailedSent)}`);
    this.save();
  }
}

async function onDefaultsCluster(rec: Recorder, opts: Options): Promise<void> {
  const has = (s: Scenario): boolean => opts.scenarios.includes(s);
  await onFreshCluster('failover', { nodes: NODES, iptablesSyncPeriod: '30s' }, async (cluster) => {
    if (has('deployment')) await rec.scenario('deployment', `pikube defaults (5 s grace, 2 s toleration): Deployment of ${opts.replicas}`, (on) => measurePikubeFailover(cluster, { kind: 'Deployment', replicas: opts.replicas, runs: opts.runs, nodePort: NODE_PORT }, on));
    if (has('statefulset')) await rec.scenario('statefulset', `pikube defaults (6 s fencing + 5 s margin): StatefulSet of ${opts.replicas}`, (on) => measurePikubeFailover(cluster, { kind: 'StatefulSet', replicas: opts.replicas, runs: opts.runs, nodePort: NODE_PORT }, on));
    if (has('swarm')) await rec.scenario('swarm', `Docker Swarm defaults: service of ${opts.replicas}`, (on) => measureSwarmFailover(cluster, { replicas: opts.replicas, runs: opts.runs, tuned: false }, on));
    if (has('swarm-tuned')) await rec.scenario('swarm-tuned', `Docker Swarm tuned (1 s dispatcher heartbeat, no restart delay): service of ${opts.replicas}`, (on) => measureSwarmFailover(cluster, { replicas: opts.replicas, runs: opts.runs, tuned: true }, on));
    if (has('idle-etcd')) await idleEtcd(rec, cluster, opts);
  });
}

async function idleEtcd(rec: Recorder, cluster: Cluster, opts: Options): Promise<void> {
  try {
    const r = await measureIdleEtcd(cluster, opts.idlePods, opts.idleSeconds);
    rec.result.idleEtcd = r;
    console.log(`failover: idle etcd: ${r.revisions} revisions in ${r.idleSeconds} s with ${r.nodes} nodes and ${r.pods} pods (${r.perMinute} a minute); keys: ${r.keysWritten.join(', ') || 'none'}`);
  } catch (err) {
    rec.result.idleEtcd = { error: err instanceof Error ? err.message : String(err) };
    console.error(`failover: idle etcd: ${rec.result.idleEtcd.error}`);
    process.exitCode = 1;
  }
  rec.save();
}

async function onTunedCluster(rec: Recorder, opts: Options): Promise<void> {
  await onFreshCluster('failover-tuned', { nodes: NODES, iptablesSyncPeriod: '30s', controlPlaneArgs: TUNED_CONTROL_PLANE }, (cluster) =>
    rec.scenario('deployment-tuned', `pikube tuned (${TUNED_CONTROL_PLANE.join(' ')}): Deployment of ${opts.replicas}`,
      (on) => measurePikubeFailover(cluster, { kind: 'Deployment', replicas: opts.replicas, runs: opts.runs, nodePort: NODE_PORT }, on)));
}

async function onHaCluster(rec: Recorder, opts: Options): Promise<void> {
  const runs: LeaderChangeRun[] = [];
  const record = (error?: string): void => {
    const ms = runs.map((r) => r.ms);
    rec.result.leaderChange = { runs, p50: ms.length ? percentile(ms, 50) : undefined, max: ms.length ? Math.max(...ms) : undefined, error };
    rec.save();
  };
  try {
    await onFreshCluster('failover-ha', { nodes: NODES, iptablesSyncPeriod: '30s', ha: true }, (cluster) => measureLeaderChange(cluster, opts.runs, (r) => {
      runs.push(r);
      console.log(`  leader change ${runs.length}: ${r.oldLeader} powered off, ${r.newLeader} leads after ${seconds(r.ms)} (load ${r.loadAverage1m})`);
      record();
    }));
    record();
  } catch (err) {
    record(err instanceof Error ? err.message : String(err));
    console.error(`failover: leader change: ${rec.result.leaderChange?.error}`);
    process.exitCode = 1;
  }
  console.log(`failover: leader change: p50 ${seconds(rec.result.leaderChange?.p50)}, max ${seconds(rec.result.leaderChange?.max)} (${runs.length} runs)`);
}

async function main(): Promise<void> {
  const opts = options();
  const rec = new Recorder(opts);
  const has = (s: Scenario): boolean => opts.scenarios.includes(s);
  if (['deployment', 'statefulset', 'swarm', 'swarm-tuned', 'idle-etcd'].some((s) => has(s as Scenario))) await onDefaultsCluster(rec, opts);
  if (has('deployment-tuned')) await onTunedCluster(rec, opts);
  if (has('leader-change')) await onHaCluster(rec, opts);
  rec.save(true);
  const r = rec.result.ratio;
  console.log(`failover: ratio pikube / Swarm (p50 to all ready elsewhere): defaults ${r.defaults ?? '–'}, both tuned ${r.tunedBoth ?? '–'}, pikube defaults / Swarm tuned ${r.pikubeDefaultsToSwarmTuned ?? '–'}`);
  console.log(`failover: machine load before: ${rec.result.uptime.before}; after: ${rec.result.uptime.after}; written to ${opts.out}`);
}

main().catch((err: unknown) => {
  console.error(`failover: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
