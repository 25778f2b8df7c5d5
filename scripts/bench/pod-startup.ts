/**
 * Benchmark: N pods created at once on a fresh two-node simulated cluster; for each pod the
 * time from its create request to the first watch event showing it Running. Then, on another
 * fresh cluster, the readiness scenario (readiness-scenario.ts): pods with an httpGet readiness
 * probe every second, create → Ready, and the agents' CPU and RSS while they are probed.
 * Prints the figures and writes them as JSON (default docs/bench/pod-startup.json; the
 * readiness figures under `readiness`).
 *
 *   npm run bench:pod-startup -- [--pods 30] [--readiness-pods 50 (0 skips)] [--soak-seconds 20] [--sandbox-network veth|docker] [--out FILE]
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../cluster/api-client';
import { downCluster, upCluster, type Cluster } from '../cluster/cluster';
import { cleanLeftovers } from '../cluster/leftovers';
import { until } from '../cluster/wait-until';
import { percentile, rssMiB } from './stats';
import { describeReadiness, measureReadiness, type ReadinessResult } from './readiness-scenario';
import { measureDockerFloor, type FloorResult } from './docker-floor';

const NAMESPACE = 'default';
const COMMAND = ['sleep', '3600'];
type SandboxNetwork = 'docker' | 'veth';

function benchPod(i: number): object {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}`, labels: { bench: 'pod-startup' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', command: COMMAND,
        resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } } }],
    },
  };
}

interface Result {
  pods: number;
  nodes: number;
  createToRunningMs: { p50: number; p99: number; max: number };
  /** The two halves: control plane (create → bound) and node (bound → Running, as seen by the API). */
  createToScheduledMs: { p50: number; p99: number };
  scheduledToRunningMs: { p50: number; p99: number };
  allRunningMs: number;
  rssMiB: { controlPlane?: number; agents: Record<string, number | undefined> };
  date: string;
  machine: string;
  /**
   * The floor (issue 16), on the same nodes just before pikube's pods: the nodes' dockerds
   * alone creating and starting the same pause + app pairs at once (docker-floor.ts), on the
   * pod network, on Docker's default bridge and with no network; `ratio`: pikube's all Running
   * over the floor of what the agents ask Docker for (the pod network with
   * `--sandbox-network docker`, no network with `veth`, the agent then adding the veth itself).
   */
  floor: { podNetwork: FloorResult; defaultBridge: FloorResult; noNetwork: FloorResult; ratio: number };
  /** The agents' `--sandbox-network`: `docker` pods join the pod network through Docker, `veth` ones get Docker's `none` and the agent's veth. */
  sandboxNetwork: SandboxNetwork;
  /** The readiness scenario, on its own fresh cluster; absent with --readiness-pods 0. */
  readiness?: ReadinessResult;
}

async function measure(cluster: Cluster, count: number, sandboxNetwork: SandboxNetwork): Promise<Result> {
  const defaultBridge = await measureDockerFloor(cluster.nodes, count, 'bridge', COMMAND);
  const podNetwork = await measureDockerFloor(cluster.nodes, count, 'pod', COMMAND);
  const noNetwork = await measureDockerFloor(cluster.nodes, count, 'none', COMMAND);
  const pikube = await measurePikube(cluster, count);
  const same = sandboxNetwork === 'veth' ? noNetwork : podNetwork;
  return { ...pikube, sandboxNetwork, floor: { podNetwork, defaultBridge, noNetwork, ratio: Math.round((pikube.allRunningMs / same.allStartedMs) * 100) / 100 } };
}

async function measurePikube(cluster: Cluster, count: number): Promise<Omit<Result, 'floor' | 'sandboxNetwork'>> {
  const api = new ApiClient(cluster.kubeconfig);
  const created = new Map<string, number>();
  const scheduled = new Map<string, number>();
  const running = new Map<string, number>();
  const watch = api.watch(`/api/v1/namespaces/${NAMESPACE}/pods?watch=true&labelSelector=bench%3Dpod-startup`, (ev) => {
    const pod = ev.object as { metadata?: { name?: string }; spec?: { nodeName?: string }; status?: { phase?: string } };
    const name = pod.metadata?.name ?? '';
    if (pod.spec?.nodeName && !scheduled.has(name)) scheduled.set(name, performance.now());
    if (pod.status?.phase === 'Running' && !running.has(name)) running.set(name, performance.now());
  });
  try {
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, (_, i) => {
      created.set(`bench-${i}`, performance.now());
      return api.request('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, benchPod(i));
    }));
    await until(() => running.size === count, { timeoutMs: 180_000, describe: () => `${running.size}/${count} Running` });
    const latencies = [...running].map(([name, t]) => t - (created.get(name) ?? t));
    const toBound = [...scheduled].map(([name, t]) => t - (created.get(name) ?? t));
    const toRunning = [...running].map(([name, t]) => t - (scheduled.get(name) ?? t));
    const p = (xs: number[]): { p50: number; p99: number } => ({ p50: Math.round(percentile(xs, 50)), p99: Math.round(percentile(xs, 99)) });
    const rss = { controlPlane: cluster.controlPlane?.process ? rssMiB(cluster.controlPlane.process.pid) : undefined,
      agents: Object.fromEntries(cluster.nodes.map((n) => [n.name, n.agent ? rssMiB(n.agent.pid) : undefined])) };
    return {
      pods: count, nodes: cluster.nodes.length,
      createToRunningMs: { ...p(latencies), max: Math.round(Math.max(...latencies)) },
      createToScheduledMs: p(toBound), scheduledToRunningMs: p(toRunning),
      allRunningMs: Math.round(Math.max(...running.values()) - start), rssMiB: rss,
      date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}`,
    };
  } finally {
    watch.close();
    api.close();
  }
}

function parseCount(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 500) throw new Error(`${flag} must be ${min}..500`);
  return n;
}

/**
 * Runs `scenario` on a fresh two-node cluster and always tears it down. A failed teardown does
 * not discard figures already measured (nor hide the scenario's own error): it is reported,
 * the run exits non-zero, and the next run's leftover sweep retries the removal.
 */
async function onFreshCluster<T>(sandboxNetwork: SandboxNetwork, scenario: (cluster: Cluster) => Promise<T>): Promise<T> {
  await cleanLeftovers();
  const cluster = await upCluster({ baseDir: mkdtempSync(path.join(os.tmpdir(), 'pikube-bench-')), removeBaseDir: true, sandboxNetwork });
  try {
    return await scenario(cluster);
  } finally {
    await downCluster(cluster).catch((err: unknown) => {
      console.error(`pod-startup: ${(err as Error).message}`);
      process.exitCode = 1;
    });
  }
}

function report(result: Result): void {
  console.log(`pod-startup: ${result.pods} pods on ${result.nodes} nodes: create→Running p50 ${result.createToRunningMs.p50} ms, p99 ${result.createToRunningMs.p99} ms; all Running after ${result.allRunningMs} ms`);
  console.log(`  create→bound p50 ${result.createToScheduledMs.p50} ms (p99 ${result.createToScheduledMs.p99}); bound→Running p50 ${result.scheduledToRunningMs.p50} ms (p99 ${result.scheduledToRunningMs.p99})`);
  const { podNetwork, defaultBridge, noNetwork, ratio } = result.floor;
  console.log(`  floor, dockerd alone, the same ${podNetwork.pairs} pause+app pairs at once: ${podNetwork.allStartedMs} ms on the pod network, ${noNetwork.allStartedMs} ms with none, ${defaultBridge.allStartedMs} ms on Docker's default bridge`);
  console.log(`  pikube (--sandbox-network ${result.sandboxNetwork}) / the floor of the same Docker calls: ${ratio}×`);
  console.log(`RSS: control plane ${result.rssMiB.controlPlane} MiB, agents ${JSON.stringify(result.rssMiB.agents)} MiB`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    pods: { type: 'string', default: '30' }, 'readiness-pods': { type: 'string', default: '50' },
    'soak-seconds': { type: 'string', default: '20' }, 'sandbox-network': { type: 'string', default: 'veth' }, out: { type: 'string', default: 'docs/bench/pod-startup.json' } } });
  const count = parseCount(values.pods, '--pods', 1);
  const readinessCount = parseCount(values['readiness-pods'], '--readiness-pods', 0);
  const soakSeconds = parseCount(values['soak-seconds'], '--soak-seconds', 1);
  const sandboxNetwork = values['sandbox-network'];
  if (sandboxNetwork !== 'docker' && sandboxNetwork !== 'veth') throw new Error('--sandbox-network must be docker or veth');
  const result = await onFreshCluster(sandboxNetwork, (cluster) => measure(cluster, count, sandboxNetwork));
  report(result);
  if (readinessCount > 0) {
    result.readiness = await onFreshCluster(sandboxNetwork, (cluster) => measureReadiness(cluster, readinessCount, soakSeconds));
    for (const line of describeReadiness(result.readiness)) console.log(line);
  }
  mkdirSync(path.dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(`pod-startup: ${(err as Error).message}`);
  process.exit(1);
});
