/**
 * The readiness scenario of the pod-startup benchmark: N pods, each a busybox httpd with an
 * httpGet readiness probe every second, created at once. A watch records when each pod is
 * first Running and when its Ready condition first turns True. Then the cluster sits with
 * every pod probed each second for a soak window, and each agent's CPU (utime + stime from
 * /proc over the window, as a share of one core) and RSS are read: the steady cost of probing.
 */
import os from 'node:os';
import { ApiClient } from '../cluster/api-client';
import type { Cluster } from '../cluster/cluster';
import { until } from '../cluster/wait-until';
import { cpuPercent, cpuTicks } from './process-cpu';
import { percentile, rssMiB } from './stats';

const NAMESPACE = 'default';
const LABEL = 'bench=pod-readiness';
export const PROBE_PERIOD_SECONDS = 1;

function readinessPod(i: number): object {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: `ready-${i}`, labels: { bench: 'pod-readiness' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'web', image: 'pikube/busybox:latest', imagePullPolicy: 'IfNotPresent',
        command: ['httpd', '-f', '-p', '8080', '-h', '/www'], ports: [{ containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/index.html', port: 8080 }, periodSeconds: PROBE_PERIOD_SECONDS },
        resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } } }],
    },
  };
}

interface WatchedPod {
  metadata?: { name?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

type PerProcess = Record<string, number | undefined>;

export interface ReadinessResult {
  pods: number;
  probePeriodSeconds: number;
  createToRunningMs: { p50: number; p99: number; max: number };
  createToReadyMs: { p50: number; p99: number; max: number };
  allReadyMs: number;
  soak: {
    seconds: number;
    /** Pods whose Ready condition was still True at the end of the window. */
    readyAtEnd: number;
    /** The machine's 1-minute load average as the window began and ended (others share it). */
    loadAverage1m: { start: number; end: number };
    cpuPercentOfOneCore: { agents: PerProcess; dockerd: PerProcess; controlPlane?: number };
    rssMiB: { agents: PerProcess; controlPlane?: number };
  };
}

function isReady(pod: WatchedPod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function spread(samples: number[]): { p50: number; p99: number; max: number } {
  return { p50: Math.round(percentile(samples, 50)), p99: Math.round(percentile(samples, 99)), max: Math.round(Math.max(...samples)) };
}

/** The pids whose CPU the soak reads, by role and node. */
function watchedPids(cluster: Cluster): { agents: PerProcess; dockerd: PerProcess; controlPlane?: number } {
  return {
    agents: Object.fromEntries(cluster.nodes.map((n) => [n.name, n.agent?.pid])),
    dockerd: Object.fromEntries(cluster.nodes.map((n) => [n.name, n.dockerd?.pid])),
    controlPlane: cluster.controlPlane?.process?.pid,
  };
}

function ticksOf(pids: PerProcess): PerProcess {
  return Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid === undefined ? undefined : cpuTicks(pid)]));
}

function percentOf(pids: PerProcess, before: PerProcess, seconds: number): PerProcess {
  return Object.fromEntries(Object.keys(pids).map((k) => {
    const pid = pids[k];
    return [k, cpuPercent(before[k], pid === undefined ? undefined : cpuTicks(pid), seconds)];
  }));
}

/** Sits for `seconds` and reads the CPU each watched process used meanwhile. */
async function soakCpu(cluster: Cluster, seconds: number): Promise<Omit<ReadinessResult['soak'], 'readyAtEnd' | 'rssMiB'>> {
  const pids = watchedPids(cluster);
  const cp = { cp: pids.controlPlane };
  const before = { agents: ticksOf(pids.agents), dockerd: ticksOf(pids.dockerd), cp: ticksOf(cp) };
  const loadStart = loadAverage1m();
  const start = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - start) / 1000;
  return { seconds: Math.round(elapsed * 10) / 10, loadAverage1m: { start: loadStart, end: loadAverage1m() }, cpuPercentOfOneCore: {
    agents: percentOf(pids.agents, before.agents, elapsed), dockerd: percentOf(pids.dockerd, before.dockerd, elapsed),
    controlPlane: percentOf(cp, before.cp, elapsed).cp } };
}

function loadAverage1m(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

async function countReady(api: ApiClient): Promise<number> {
  const list = await api.request<{ items?: WatchedPod[] }>('GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(LABEL)}`);
  return (list.items ?? []).filter(isReady).length;
}

export async function measureReadiness(cluster: Cluster, count: number, soakSeconds: number): Promise<ReadinessResult> {
  const api = new ApiClient(cluster.kubeconfig);
  const created = new Map<string, number>();
  const running = new Map<string, number>();
  const ready = new Map<string, number>();
  const watch = api.watch(`/api/v1/namespaces/${NAMESPACE}/pods?watch=true&labelSelector=${encodeURIComponent(LABEL)}`, (ev) => {
    const pod = ev.object as WatchedPod;
    const name = pod.metadata?.name ?? '';
    if (pod.status?.phase === 'Running' && !running.has(name)) running.set(name, performance.now());
    if (isReady(pod) && !ready.has(name)) ready.set(name, performance.now());
  });
  try {
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, (_, i) => {
      created.set(`ready-${i}`, performance.now());
      return api.request('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, readinessPod(i));
    }));
    await until(() => ready.size === count, { timeoutMs: 300_000, describe: () => `${running.size}/${count} Running, ${ready.size}/${count} Ready` });
    const since = (m: Map<string, number>): number[] => [...m].map(([name, t]) => t - (created.get(name) ?? t));
    const allReadyMs = Math.round(Math.max(...ready.values()) - start);
    const soak = await soakCpu(cluster, soakSeconds);
    const pids = watchedPids(cluster);
    const rss = { agents: Object.fromEntries(Object.entries(pids.agents).map(([k, pid]) => [k, pid === undefined ? undefined : rssMiB(pid)])),
      controlPlane: pids.controlPlane === undefined ? undefined : rssMiB(pids.controlPlane) };
    return {
      pods: count, probePeriodSeconds: PROBE_PERIOD_SECONDS,
      createToRunningMs: spread(since(running)), createToReadyMs: spread(since(ready)), allReadyMs,
      soak: { ...soak, readyAtEnd: await countReady(api), rssMiB: rss },
    };
  } finally {
    watch.close();
    api.close();
  }
}

/** One line per figure, as the benchmark prints them. */
export function describeReadiness(r: ReadinessResult): string[] {
  return [
    `readiness: ${r.pods} pods with an httpGet readiness probe every ${r.probePeriodSeconds} s: create→Running p50 ${r.createToRunningMs.p50} ms, p99 ${r.createToRunningMs.p99} ms; create→Ready p50 ${r.createToReadyMs.p50} ms, p99 ${r.createToReadyMs.p99} ms; all Ready after ${r.allReadyMs} ms`,
    `  over ${r.soak.seconds} s of probing (${r.soak.readyAtEnd}/${r.pods} still Ready): CPU % of one core: agents ${JSON.stringify(r.soak.cpuPercentOfOneCore.agents)}, dockerd ${JSON.stringify(r.soak.cpuPercentOfOneCore.dockerd)}, control plane ${r.soak.cpuPercentOfOneCore.controlPlane}`,
    `  RSS: agents ${JSON.stringify(r.soak.rssMiB.agents)} MiB, control plane ${r.soak.rssMiB.controlPlane} MiB`,
    `  machine load (1-min average) ${r.soak.loadAverage1m.start} as the window began, ${r.soak.loadAverage1m.end} as it ended`,
  ];
}
