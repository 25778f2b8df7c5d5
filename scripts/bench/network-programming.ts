/**
 * Benchmark: how fast the agents program service rules (issue 4). On a fresh simulated
 * cluster (two nodes by default), with no pods:
 *  1. endpoint latency (endpoint-latency-scenario.ts): an endpoint becoming ready → its rule
 *     live on every node, over `--changes` isolated changes and `--rapid-changes` back-to-back;
 *  2. scale (service-scale-scenario.ts): `--services` services × 3 endpoints created through
 *     the API → all rules live on every node, with each agent's CPU, commits and RSS; then an
 *     idle window, then single changes on top of them.
 * Rules are read in each node's network namespace, never the machine's own. Prints the figures
 * and writes them as JSON (default docs/bench/network-programming.json).
 *
 *   npm run bench:network-programming -- [--changes 100] [--rapid-changes 20] [--services 1000]
 *     [--single-changes 10] [--idle-seconds 30] [--concurrency 8] [--nodes 2] [--iptables-sync-period 30s]
 *     [--keep-logs] [--out FILE]
 * The agents run with kube-proxy's default drift check interval, 30 s (the simulated cluster's
 * own default is 2 s, for tests), so that the idle cost measured is the one a real node pays.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../cluster/api-client';
import { downCluster, upCluster, type Cluster } from '../cluster/cluster';
import { nodeLogFile } from '../cluster/cluster-node';
import { cleanLeftovers } from '../cluster/leftovers';
import { LogFollower, type TimedLine } from './log-follower';
import { describeLatency, measureEndpointLatency, type LatencyResult } from './endpoint-latency-scenario';
import { NodeRules } from './node-rules';
import { describeScale, measureServiceScale, type ScaleResult } from './service-scale-scenario';
import { integerOption } from './integer-option';

const LATENCY_POLL_MS = 20;
const SCALE_POLL_MS = 500;
/** A single change on top of N services takes seconds: reading every 20 ms would only steal the agents' CPU. */
const SINGLE_CHANGE_POLL_MS = 100;
/** Past the agents' 1 s minimum sync interval, so the next change is not held back by the last. */
const GAP_MS = 1_100;
/** kube-proxy's `--iptables-sync-period` default, and the agent's. */
const SYNC_PERIOD = '30s';

interface Result {
  nodes: number;
  /** The agents' `--iptables-sync-period`: how often each reads its rules back to check for drift. */
  iptablesSyncPeriod: string;
  /** The iptables front end holding the agents' rules, and whether it is nf_tables. */
  backend: string;
  nfTables: boolean;
  latency?: LatencyResult;
  scale?: ScaleResult;
  /** The agents' and the control plane's log lines during the run, stamped on the benchmark's clock, with its phases (source `bench`). */
  logs: TimedLine[];
  date: string;
  machine: string;
}

interface Options {
  changes: number;
  rapidChanges: number;
  services: number;
  singleChanges: number;
  idleSeconds: number;
  concurrency: number;
  nodes: number;
  iptablesSyncPeriod: string;
  keepLogs: boolean;
  out: string;
}

function options(): Options {
  const { values } = parseArgs({ options: {
    changes: { type: 'string', default: '100' }, 'rapid-changes': { type: 'string', default: '20' },
    services: { type: 'string', default: '1000' }, 'single-changes': { type: 'string', default: '10' },
    'idle-seconds': { type: 'string', default: '30' }, concurrency: { type: 'string', default: '8' },
    nodes: { type: 'string', default: '2' }, 'iptables-sync-period': { type: 'string', default: SYNC_PERIOD }, 'keep-logs': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/bench/network-programming.json' } } });
  return {
    changes: integerOption(values.changes, '--changes', 0, 1000), rapidChanges: integerOption(values['rapid-changes'], '--rapid-changes', 0, 1000),
    services: integerOption(values.services, '--services', 0, 5000), singleChanges: integerOption(values['single-changes'], '--single-changes', 1, 100),
    idleSeconds: integerOption(values['idle-seconds'], '--idle-seconds', 1, 600), concurrency: integerOption(values.concurrency, '--concurrency', 1, 16),
    nodes: integerOption(values.nodes, '--nodes', 1, 5), iptablesSyncPeriod: values['iptables-sync-period'], keepLogs: values['keep-logs'], out: values.out,
  };
}

/** Follows every agent's log and the control plane's from their first line (read before teardown removes them). */
function followLogs(cluster: Cluster): LogFollower {
  const files = Object.fromEntries(cluster.nodes.map((n) => [`agent ${n.name}`, nodeLogFile(cluster.logDir, n, 'agent')]));
  const follower = new LogFollower({ ...files, 'control plane': path.join(cluster.logDir, 'control-plane.log') }, { fromStart: true });
  follower.follow(1_000);
  return follower;
}

/** Node.js warnings every agent prints at start: not about the benchmark. */
const NOISE = /DeprecationWarning|--trace-deprecation/;

async function measure(cluster: Cluster, opts: Options, mark: (phase: string) => void): Promise<Result> {
  const api = new ApiClient(cluster.kubeconfig);
  try {
    const nodes = await Promise.all(cluster.nodes.map((n) => NodeRules.find(n.name, n.netns, 60_000)));
    const result: Result = {
      nodes: nodes.length, iptablesSyncPeriod: opts.iptablesSyncPeriod, backend: nodes[0].backendName, nfTables: nodes[0].nfTables, logs: [],
      date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}`,
    };
    if (opts.changes > 0) {
      result.latency = await measureEndpointLatency(api, nodes, { changes: opts.changes, rapidChanges: opts.rapidChanges, pollIntervalMs: LATENCY_POLL_MS, gapMs: GAP_MS, mark });
      for (const line of describeLatency(result.latency)) console.log(line);
    }
    if (opts.services > 0) {
      result.scale = await measureServiceScale(cluster, api, nodes, { services: opts.services, concurrency: opts.concurrency, pollIntervalMs: SCALE_POLL_MS, changePollIntervalMs: SINGLE_CHANGE_POLL_MS,
        idleSeconds: opts.idleSeconds, singleChanges: opts.singleChanges, gapMs: GAP_MS, mark });
      for (const line of describeScale(result.scale)) console.log(line);
    }
    return result;
  } finally {
    api.close();
  }
}

/** Runs on a fresh cluster and always tears it down; a failed teardown is reported and fails the run. */
async function onFreshCluster(opts: Options): Promise<Result> {
  await cleanLeftovers();
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'pikube-bench-net-'));
  const nodes = Array.from({ length: opts.nodes }, (_, i) => `pi${i + 1}`);
  const cluster = await upCluster({ baseDir, nodes, removeBaseDir: !opts.keepLogs, iptablesSyncPeriod: opts.iptablesSyncPeriod });
  const logs = followLogs(cluster);
  let result: Result | undefined;
  try {
    result = await measure(cluster, opts, (phase) => logs.mark(phase));
    return result;
  } finally {
    const lines = logs.stop().filter((l) => !NOISE.test(l.line));
    for (const l of lines) console.log(`${l.atS.toFixed(1).padStart(6)} s ${l.source}: ${l.line}`);
    if (result) result.logs = lines;
    await downCluster(cluster).catch((err: unknown) => {
      console.error(`network-programming: ${(err as Error).message}`);
      process.exitCode = 1;
    });
    if (opts.keepLogs) console.log(`logs kept in ${cluster.logDir}`);
  }
}

async function main(): Promise<void> {
  const opts = options();
  const result = await onFreshCluster(opts);
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(`network-programming: ${(err as Error).message}`);
  process.exit(1);
});
