/**
 * pikube's side of the failover benchmark: a workload of N replicas (failover-workload.ts)
 * behind a NodePort, polled every 100 ms from a node that is not the victim; a node holding
 * replicas is unplugged (its switch port down: its containers keep running, cut off). Timed
 * from the unplug: the end of the last failed request, and the moment every replica is Ready
 * and not terminating on the other nodes (pods polled through the API every 100 ms). Then the
 * cable goes back and the run waits, timed, until the node is Ready, the lost pods are gone
 * from the API and their containers from the node, before the next run. The victim rotates
 * over the nodes that hold replicas.
 */
import type { Cluster } from '../cluster/cluster';
import { cutNode, reconnectNode } from '../cluster/cluster';
import type { NodeState } from '../cluster/cluster-state';
import { ApiClient } from '../cluster/api-client';
import { dockerClient } from '../cluster/cluster-node';
import { runKubectl } from '../cluster/kubectl';
import { until } from '../cluster/wait-until';
import type { FailoverRun } from './failover-result';
import { appLabel, serviceObject, workloadObject, type FailoverKind } from './failover-workload';
import { loadAverage1m } from './machine-load';
import { errorWindow, ServicePoller } from './service-poller';

const NAMESPACE = 'default';
const READY_TIMEOUT_MS = 120_000;
/** Requests keep being polled this long after the replicas are back: they must keep succeeding. */
const TAIL_MS = 3_000;

interface PodView {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

const isReady = (p: PodView): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const serving = (p: PodView): boolean => isReady(p) && p.metadata.deletionTimestamp === undefined;
const summary = (pods: PodView[]): string => pods.map((p) => `${p.metadata.name}@${p.spec.nodeName ?? '-'}${p.metadata.deletionTimestamp ? ' Terminating' : ''}${isReady(p) ? ' ready' : ''}`).join(', ');

export interface PikubeFailoverOptions {
  kind: FailoverKind;
  replicas: number;
  runs: number;
  nodePort: number;
}

async function kubectl(cluster: Cluster, args: string[], input?: string): Promise<void> {
  const res = await runKubectl(cluster.kubeconfig, args, { input, timeoutMs: 30_000 });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr.trim()}`);
}

class Workload {
  constructor(private readonly api: ApiClient, readonly name: string) {}

  async pods(): Promise<PodView[]> {
    const selector = encodeURIComponent(`app=${appLabel(this.name)}`);
    return (await this.api.request<{ items: PodView[] }>('GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${selector}`)).items;
  }

  /** Waits until `n` pods serve (Ready, not terminating), none on `avoid`; resolves with the moment (Date.now()) it was seen. */
  async servingElsewhere(n: number, avoid: string | undefined, intervalMs: number): Promise<{ at: number; pods: PodView[] }> {
    let seen: PodView[] = [];
    await until(async () => (seen = await this.pods()).filter((p) => serving(p) && p.spec.nodeName !== avoid).length >= n,
      { timeoutMs: READY_TIMEOUT_MS, intervalMs, describe: () => summary(seen) });
    return { at: Date.now(), pods: seen };
  }

  async nodeReady(node: string): Promise<boolean> {
    const n = await this.api.request<{ status?: { conditions?: { type: string; status: string }[] } }>('GET', `/api/v1/nodes/${node}`);
    return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  }
}

/** The victim of run `i`: the i-th (rotating) node holding a serving replica; the poller runs on another node. */
function pick(cluster: Cluster, pods: PodView[], i: number): { victim: NodeState; client: NodeState } {
  const holding = cluster.nodes.filter((n) => pods.some((p) => serving(p) && p.spec.nodeName === n.name));
  const victim = holding[i % holding.length];
  const client = cluster.nodes.find((n) => n !== victim);
  if (!victim || !client) throw new Error(`no victim and client among ${summary(pods)}`);
  return { victim, client };
}

/** Until none of `lost` is in the API and none of their containers is on the node. */
async function cleanedUp(w: Workload, node: NodeState, lost: Set<string>): Promise<void> {
  let left: string[] = [];
  await until(async () => {
    const pods = (await w.pods()).filter((p) => lost.has(p.metadata.uid)).map((p) => p.metadata.name);
    const containers = await dockerClient(node).listContainers({ all: true, filters: { label: ['io.kubernetes.pod.uid'] } });
    left = [...pods, ...containers.filter((c) => lost.has(c.Labels['io.kubernetes.pod.uid'])).map((c) => `container ${c.Names[0] ?? c.Id}`)];
    return left.length === 0;
  }, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, describe: () => `left on ${node.name}: ${left.join(', ')}` });
}

async function oneRun(cluster: Cluster, w: Workload, opts: PikubeFailoverOptions, i: number): Promise<FailoverRun> {
  const { pods } = await w.servingElsewhere(opts.replicas, undefined, 250);
  const { victim, client } = pick(cluster, pods, i);
  const lost = pods.filter((p) => p.spec.nodeName === victim.name);
  const poller = new ServicePoller(client.netns, `http://${client.ip}:${opts.nodePort}/`);
  try {
    await poller.steady(20, 60_000);
    const loadAverage = loadAverage1m();
    const t0 = Date.now();
    await cutNode(cluster, victim.name);
    const { at } = await w.servingElsewhere(opts.replicas, victim.name, 100);
    await new Promise((r) => setTimeout(r, TAIL_MS));
    await poller.stop();
    const errors = errorWindow(poller.results, t0);
    if (errors.okAfterLastFailure < 10) throw new Error(`requests still failing after the replicas were back: ${JSON.stringify(errors)}`);
    const t1 = Date.now();
    await reconnectNode(cluster, victim.name);
    await until(() => w.nodeReady(victim.name), { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, describe: () => `${victim.name} not Ready` });
    await cleanedUp(w, victim, new Set(lost.map((p) => p.metadata.uid)));
    return {
      victim: victim.name, lost: lost.length, serviceErrorsMs: errors.errorsMs, lastFailedSentMs: errors.lastFailedSentMs, failedRequests: errors.failed, requests: errors.total,
      readyElsewhereMs: at - t0, cleanedAfterReplugMs: Date.now() - t1, loadAverage1m: loadAverage,
    };
  } finally {
    await poller.stop();
    await reconnectNode(cluster, victim.name).catch(() => undefined); // idempotent: the link is up again after a failure too
  }
}

async function removeAll(cluster: Cluster, w: Workload, kind: FailoverKind): Promise<void> {
  await runKubectl(cluster.kubeconfig, ['delete', kind.toLowerCase(), w.name, '--ignore-not-found', '--wait=false'], { timeoutMs: 30_000 });
  await runKubectl(cluster.kubeconfig, ['delete', 'service', w.name, '--ignore-not-found', '--wait=false'], { timeoutMs: 30_000 });
  let left = -1;
  await until(async () => (left = (await w.pods()).length) === 0, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, describe: () => `${left} pods of ${w.name} left` });
}

/**
 * Runs `opts.runs` unplugs of a fresh workload; `onRun` gets each run as it completes (a later
 * failure keeps them). The workload and its Service are removed afterwards, also after a failure.
 */
export async function measurePikubeFailover(cluster: Cluster, opts: PikubeFailoverOptions, onRun: (run: FailoverRun) => void): Promise<void> {
  const api = new ApiClient(cluster.kubeconfig);
  const w = new Workload(api, opts.kind === 'Deployment' ? 'web' : 'db');
  try {
    await kubectl(cluster, ['create', '-f', '-'], JSON.stringify(serviceObject(w.name, opts.nodePort)));
    await kubectl(cluster, ['create', '-f', '-'], JSON.stringify(workloadObject(opts.kind, w.name, opts.replicas)));
    for (let i = 0; i < opts.runs; i++) onRun(await oneRun(cluster, w, opts, i));
  } finally {
    await removeAll(cluster, w, opts.kind).finally(() => api.close());
  }
}
