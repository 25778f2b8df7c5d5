/**
 * Idle etcd writes (SD-card wear): with a Deployment of N pods Ready on the cluster's nodes,
 * etcd's revision is read (its v3 JSON gateway, `/v3/kv/range`), again after the idle period,
 * and the keys written meanwhile are listed (`min_mod_revision`), so a regression names its
 * writer. Every write to etcd, whatever the key, advances the revision by one; lease
 * keep-alives do not.
 */
import type { Cluster } from '../cluster/cluster';
import { ApiClient } from '../cluster/api-client';
import { runKubectl } from '../cluster/kubectl';
import { until } from '../cluster/wait-until';
import { appLabel, workloadObject } from './failover-workload';

const NAME = 'idle';
/** After the pods are Ready, status and endpoint writes settle before the count starts. */
const SETTLE_MS = 10_000;

export interface IdleEtcdResult {
  pods: number;
  nodes: number;
  idleSeconds: number;
  revisions: number;
  perMinute: number;
  /** Keys whose last write fell in the idle period. */
  keysWritten: string[];
}

interface RangeAnswer {
  header: { revision: string };
  kvs?: { key: string }[];
}

async function range(endpoint: string, body: object): Promise<RangeAnswer> {
  const res = await fetch(`${endpoint}/v3/kv/range`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`etcd range: ${res.status} ${await res.text()}`);
  return (await res.json()) as RangeAnswer;
}

const b64 = (s: string): string => Buffer.from(s, 'binary').toString('base64');

async function revision(endpoint: string): Promise<number> {
  return Number((await range(endpoint, { key: b64('/'), count_only: true })).header.revision);
}

async function keysSince(endpoint: string, rev: number): Promise<string[]> {
  const all = await range(endpoint, { key: b64('\0'), range_end: b64('\0'), keys_only: true, min_mod_revision: String(rev + 1) });
  return (all.kvs ?? []).map((kv) => Buffer.from(kv.key, 'base64').toString('utf8'));
}

async function readyCount(api: ApiClient): Promise<number> {
  const d = await api.request<{ status?: { readyReplicas?: number } }>('GET', `/apis/apps/v1/namespaces/default/deployments/${NAME}`);
  return d.status?.readyReplicas ?? 0;
}

export async function measureIdleEtcd(cluster: Cluster, pods: number, idleSeconds: number): Promise<IdleEtcdResult> {
  const endpoint = cluster.etcd?.endpoint;
  if (!endpoint) throw new Error('idle etcd: the cluster has no etcd on the machine (not in HA mode)');
  const api = new ApiClient(cluster.kubeconfig);
  try {
    const created = await runKubectl(cluster.kubeconfig, ['create', '-f', '-'], { input: JSON.stringify(workloadObject('Deployment', NAME, pods)), timeoutMs: 30_000 });
    if (created.code !== 0) throw new Error(`kubectl create: ${created.stderr.trim()}`);
    let ready = 0;
    await until(async () => (ready = await readyCount(api)) === pods, { timeoutMs: 300_000, intervalMs: 1000, describe: () => `${ready}/${pods} ready` });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const before = await revision(endpoint);
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const after = await revision(endpoint);
    const revisions = after - before;
    return { pods, nodes: cluster.nodes.length, idleSeconds, revisions, perMinute: Math.round((revisions / idleSeconds) * 60 * 100) / 100, keysWritten: await keysSince(endpoint, before) };
  } finally {
    await runKubectl(cluster.kubeconfig, ['delete', 'deployment', NAME, '--ignore-not-found', '--wait=false'], { timeoutMs: 30_000 });
    const selector = encodeURIComponent(`app=${appLabel(NAME)}`);
    let left = -1;
    await until(async () => (left = (await api.request<{ items: unknown[] }>('GET', `/api/v1/namespaces/default/pods?labelSelector=${selector}`)).items.length) === 0,
      { timeoutMs: 180_000, intervalMs: 500, describe: () => `${left} pods of ${NAME} left` }).finally(() => api.close());
  }
}
