/**
 * Benchmark: N pods created at once on a fresh two-node simulated cluster; for each pod the
 * time from its create request to the first watch event showing it Running. Prints the
 * figures and writes them as JSON (default docs/bench/pod-startup.json).
 *
 *   npm run bench:pod-startup -- [--pods 30] [--out FILE]
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

const NAMESPACE = 'default';

function benchPod(i: number): object {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}`, labels: { bench: 'pod-startup' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'],
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
}

async function measure(cluster: Cluster, count: number): Promise<Result> {
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { pods: { type: 'string', default: '30' }, out: { type: 'string', default: 'docs/bench/pod-startup.json' } } });
  const count = Number(values.pods);
  if (!Number.isInteger(count) || count < 1 || count > 500) throw new Error('--pods must be 1..500');
  await cleanLeftovers();
  const cluster = await upCluster({ baseDir: mkdtempSync(path.join(os.tmpdir(), 'pikube-bench-')), removeBaseDir: true });
  try {
    const result = await measure(cluster, count);
    console.log(`pod-startup: ${count} pods on ${result.nodes} nodes: create→Running p50 ${result.createToRunningMs.p50} ms, p99 ${result.createToRunningMs.p99} ms; all Running after ${result.allRunningMs} ms`);
    console.log(`  create→bound p50 ${result.createToScheduledMs.p50} ms (p99 ${result.createToScheduledMs.p99}); bound→Running p50 ${result.scheduledToRunningMs.p50} ms (p99 ${result.scheduledToRunningMs.p99})`);
    console.log(`RSS: control plane ${result.rssMiB.controlPlane} MiB, agents ${JSON.stringify(result.rssMiB.agents)} MiB`);
    mkdirSync(path.dirname(values.out), { recursive: true });
    writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await downCluster(cluster);
  }
}

main().catch((err: unknown) => {
  console.error(`pod-startup: ${(err as Error).message}`);
  process.exit(1);
});
