/**
 * The pikube side of the rollout benchmark, through the real kubectl as a user would: a
 * Deployment of N replicas (rollout-workload.ts) is created and timed until its status says
 * N replicas, N ready, N available, N updated, for its current generation; then
 * `kubectl set image` rolls it to the second tag of the image and is timed until the rollout
 * is complete as `kubectl rollout status` judges it (observedGeneration current,
 * updatedReplicas = availableReplicas = replicas = N, no old replica left). A watch on the
 * object times each sighting. In ReplicaSet mode (before the Deployment controller exists)
 * a bare ReplicaSet is created and only create → ready is measured.
 */
import type { Cluster } from '../cluster/cluster';
import { ApiClient } from '../cluster/api-client';
import { runKubectl } from '../cluster/kubectl';
import { until } from '../cluster/wait-until';
import { ObjectSighting } from './object-sighting';
import { allReady, rolledOut, view } from './rollout-progress';
import { CONTROL_PLANE, type PhaseResult, type RolloutLimits, type SideResult } from './rollout-result';
import { timedPhase } from './timed-phase';
import { CONTAINER_NAME, workloadLabels, IMAGE_V2, workloadObject, type PikubeWorkload } from './rollout-workload';

const NAMESPACE = 'default';
/** How long a Deployment may go without any status before the benchmark says its controller is missing. */
const CONTROLLER_SIGN_OF_LIFE_MS = 20_000;
const WATCH_OPEN_TIMEOUT_MS = 10_000;

function pids(cluster: Cluster): Record<string, number | undefined> {
  return {
    [CONTROL_PLANE]: cluster.controlPlane?.process?.pid, etcd: cluster.etcd?.process?.pid,
    ...Object.fromEntries(cluster.nodes.flatMap((n) => [[`agent-${n.name}`, n.agent?.pid], [`dockerd-${n.name}`, n.dockerd?.pid]])),
  };
}

async function kubectl(cluster: Cluster, args: string[], input?: string): Promise<void> {
  const res = await runKubectl(cluster.kubeconfig, args, { input, timeoutMs: 30_000 });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr.trim()}`);
}

async function timed(cluster: Cluster, command: () => Promise<void>, goal: () => Promise<number>): Promise<PhaseResult> {
  return (await timedPhase(pids(cluster), command, async () => ({ at: await goal(), value: undefined }))).phase;
}

interface PodView {
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string }[] };
  metadata?: { deletionTimestamp?: string };
}

function podsPath(name: string): string {
  return `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(`app=${name}`)}`;
}

/** Ready pods of the workload by node (terminating ones left out). */
async function readyPerNode(api: ApiClient, name: string): Promise<Record<string, number>> {
  const list = await api.request<{ items?: PodView[] }>('GET', podsPath(name));
  const byNode: Record<string, number> = {};
  for (const p of list.items ?? []) {
    const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (ready && !p.metadata?.deletionTimestamp) byNode[p.spec?.nodeName ?? '?'] = (byNode[p.spec?.nodeName ?? '?'] ?? 0) + 1;
  }
  return byNode;
}

async function createToReady(cluster: Cluster, watch: ObjectSighting, kind: PikubeWorkload, name: string, n: number, limits: RolloutLimits): Promise<PhaseResult> {
  return timed(cluster, () => kubectl(cluster, ['create', '-f', '-'], JSON.stringify(workloadObject(kind, name, n))), async () => {
    if (kind === 'deployment') {
      await watch.waitFor((o) => view(o).observedGeneration !== undefined, CONTROLLER_SIGN_OF_LIFE_MS,
        `deployment/${name} has no status: is the Deployment controller merged? (--pikube-workload replicaset measures create → ready only)`);
    }
    return watch.waitFor(allReady(kind, n), limits.readyTimeoutMs, `${kind}/${name}: ${n} ready`);
  });
}

async function rollOut(cluster: Cluster, watch: ObjectSighting, name: string, n: number, limits: RolloutLimits): Promise<PhaseResult> {
  const before = watch.last === undefined ? 0 : view(watch.last).generation;
  return timed(cluster, () => kubectl(cluster, ['set', 'image', `deployment/${name}`, `${CONTAINER_NAME}=${IMAGE_V2}`]),
    () => watch.waitFor(rolledOut(n, before), limits.rolloutTimeoutMs, `deployment/${name}: rollout to ${IMAGE_V2}`));
}

async function removeAndWait(cluster: Cluster, api: ApiClient, kind: PikubeWorkload, name: string): Promise<void> {
  await runKubectl(cluster.kubeconfig, ['delete', kind, name, '--wait=false', '--ignore-not-found'], { timeoutMs: 30_000 });
  let left = -1;
  await until(async () => {
    const list = await api.request<{ items?: unknown[] }>('GET', podsPath(name));
    return (left = list.items?.length ?? 0) === 0;
  }, { timeoutMs: 120_000, intervalMs: 250, describe: () => `${left} pods of ${kind}/${name} left` });
}

async function measure(cluster: Cluster, api: ApiClient, watch: ObjectSighting, kind: PikubeWorkload, name: string, n: number, limits: RolloutLimits): Promise<SideResult> {
  const created = await createToReady(cluster, watch, kind, name, n, limits);
  const ready = await readyPerNode(api, name);
  if (kind === 'replicaset') {
    return { workload: 'ReplicaSet (create → ready only)', createToReady: created, perNode: { ready },
      notes: ['ReplicaSet mode (--pikube-workload replicaset): create → ready only, no rolling update measured'] };
  }
  const rollout = await rollOut(cluster, watch, name, n, limits);
  return { workload: 'Deployment (RollingUpdate, maxSurge 1, maxUnavailable 0)', createToReady: created, rollout, perNode: { ready, rolled: await readyPerNode(api, name) }, notes: [] };
}

export async function measurePikubeRollout(cluster: Cluster, kind: PikubeWorkload, n: number, limits: RolloutLimits): Promise<SideResult> {
  const name = `rollout-${n}`;
  const api = new ApiClient(cluster.kubeconfig);
  const resource = kind === 'deployment' ? 'deployments' : 'replicasets';
  const selector = encodeURIComponent(Object.entries(workloadLabels(name)).map(([k, v]) => `${k}=${v}`).join(','));
  const watch = new ObjectSighting(api, `/apis/apps/v1/namespaces/${NAMESPACE}/${resource}?watch=true&labelSelector=${selector}`);
  try {
    await watch.opened(WATCH_OPEN_TIMEOUT_MS);
    return await measure(cluster, api, watch, kind, name, n, limits);
  } finally {
    watch.close();
    await removeAndWait(cluster, api, kind, name).finally(() => api.close());
  }
}
