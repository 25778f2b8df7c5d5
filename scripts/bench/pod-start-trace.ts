/**
 * Where the time of one Deployment's create → all ready goes, step by step. On a fresh
 * two-node cluster whose components trace pod starts (PIKUBE_TRACE=pod-start,
 * base/step-trace.ts), the rollout benchmark's workload (rollout-workload.ts) is created
 * through the API; a watch records when each pod appears, is bound and is seen Ready, and
 * when the ReplicaSet and the Deployment report all ready. Then the components' logs give
 * the rest: the ReplicaSet's slow-start batches (when each was issued and answered), and for
 * each pod the agent's steps (worker, set-up, pause container, app container, status, first
 * readiness probe, the status written). Prints the breakdown and writes it as JSON.
 *
 *   npx tsc -p . && node dist/scripts/bench/pod-start-trace.js [--replicas 30] [--sandbox-network veth|docker] [--out /tmp/pod-start-trace.json]
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient, type WatchEvent } from '../cluster/api-client';
import type { Cluster } from '../cluster/cluster';
import { until } from '../cluster/wait-until';
import { onFreshCluster } from './fresh-cluster';
import { integerOption } from './integer-option';
import { batchesOf, marksOf, parseTrace, stepTable, type Batch, type PodMarks, type StepRow } from './pod-start-steps';
import { allReady } from './rollout-progress';
import type { ApiObject } from './object-sighting';
import { workloadObject } from './rollout-workload';

const NAMESPACE = 'default';
const NAME = 'trace';
/** The marks in chain order: the watch's (created, bound, ready-seen) around the components' traces. */
const ORDER = ['created', 'bound', 'agent-worker', 'pass-planned', 'token-ask', 'token-call', 'token-answered', 'token-fetched',
  'volumes-set-up', 'network-set-up', 'resolv-conf-set-up', 'set-up', 'sandbox-created', 'sandbox-started', 'sandbox-inspected',
  'sandbox-attached', 'app-create', 'app-created', 'app-started', 'reported-running', 'first-probe', 'probe-success', 'reported-ready', 'ready-written', 'ready-seen'];

interface Sightings {
  pods: Map<string, PodMarks>;
  rsAllReadyMs?: number;
  deploymentAllReadyMs?: number;
}

interface PodObject {
  metadata?: { name?: string };
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

function notePod(s: Sightings, ev: WatchEvent): void {
  const pod = ev.object as PodObject;
  const name = `${NAMESPACE}/${pod.metadata?.name ?? ''}`;
  const marks = s.pods.get(name) ?? new Map<string, number>();
  const now = Date.now();
  if (!marks.has('created')) marks.set('created', now);
  if (pod.spec?.nodeName && !marks.has('bound')) marks.set('bound', now);
  if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !marks.has('ready-seen')) marks.set('ready-seen', now);
  s.pods.set(name, marks);
}

function watchAll(api: ApiClient, s: Sightings, replicas: number): { close(): void } {
  const rsReady = allReady('replicaset', replicas);
  const deployReady = allReady('deployment', replicas);
  const handles = [
    api.watch(`/api/v1/namespaces/${NAMESPACE}/pods?watch=true&labelSelector=app%3D${NAME}`, (ev) => notePod(s, ev)),
    api.watch(`/apis/apps/v1/namespaces/${NAMESPACE}/replicasets?watch=true&labelSelector=app%3D${NAME}`, (ev) => {
      if (s.rsAllReadyMs === undefined && rsReady(ev.object as ApiObject)) s.rsAllReadyMs = Date.now();
    }),
    api.watch(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments?watch=true&fieldSelector=metadata.name%3D${NAME}`, (ev) => {
      if (s.deploymentAllReadyMs === undefined && deployReady(ev.object as ApiObject)) s.deploymentAllReadyMs = Date.now();
    }),
  ];
  return { close: () => handles.forEach((h) => h.close()) };
}

function traceLinesOf(cluster: Cluster): ReturnType<typeof parseTrace> {
  return readdirSync(cluster.logDir).filter((f) => f.endsWith('.log')).flatMap((f) => parseTrace(readFileSync(path.join(cluster.logDir, f), 'utf8')));
}

interface TraceResult {
  replicas: number;
  /** The agents' --sandbox-network. */
  sandboxNetwork: string;
  date: string;
  machine: string;
  load: { before: number[]; after: number[] };
  /** From the create request. */
  allReadyMs: { pods: number; replicaSet: number; deployment: number };
  batches: (Batch & { fromCreateMs: number; tookMs: number; gapBeforeMs: number })[];
  steps: StepRow[];
  /** From the create request, p50 / max over the pods, per mark. */
  marks: Record<string, { p50Ms: number; maxMs: number }>;
  /** Passes whose set-up hooks failed (the pod waits and retries): the hook, by pod, from the create request. */
  setUpFailures: { pod: string; hook: string; atMs: number }[];
}

function summarize(replicas: number, sandboxNetwork: string, t0: number, s: Sightings, cluster: Cluster, loadBefore: number[]): TraceResult {
  const lines = traceLinesOf(cluster);
  const traced = marksOf(lines);
  for (const [name, marks] of s.pods) for (const [mark, at] of traced.get(name) ?? []) marks.set(mark, at);
  const pods = [...s.pods.values()];
  const batches = batchesOf(lines.filter((l) => l.subject === `${NAMESPACE}/${NAME}-` || l.subject.startsWith(`${NAMESPACE}/${NAME}-`)));
  const marks: TraceResult['marks'] = {};
  for (const mark of [...ORDER, 'set-up-failed']) {
    const xs = pods.map((m) => m.get(mark)).filter((x): x is number => x !== undefined).map((x) => x - t0).sort((a, b) => a - b);
    if (xs.length > 0) marks[mark] = { p50Ms: Math.round(xs[Math.floor((xs.length - 1) / 2)]), maxMs: Math.round(xs[xs.length - 1]) };
  }
  return {
    replicas, sandboxNetwork, date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}`,
    load: { before: loadBefore, after: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    allReadyMs: { pods: Math.max(...pods.map((m) => (m.get('ready-seen') ?? NaN) - t0)), replicaSet: (s.rsAllReadyMs ?? NaN) - t0, deployment: (s.deploymentAllReadyMs ?? NaN) - t0 },
    batches: batches.map((b, i) => ({ ...b, fromCreateMs: b.startMs - t0, tookMs: b.endMs - b.startMs, gapBeforeMs: i === 0 ? b.startMs - t0 : b.startMs - batches[i - 1].endMs })),
    steps: stepTable(pods, ORDER), marks,
    setUpFailures: lines.filter((l) => l.step === 'set-up-failed').map((l) => ({ pod: l.subject, hook: l.detail ?? '', atMs: l.atMs - t0 })),
  };
}

function report(r: TraceResult): void {
  console.log(`pod-start-trace: ${r.replicas} replicas, --sandbox-network ${r.sandboxNetwork}, load ${r.load.before.join(' ')} → ${r.load.after.join(' ')}`);
  console.log(`  all ready (from the create request): pods ${r.allReadyMs.pods} ms, ReplicaSet status ${r.allReadyMs.replicaSet} ms, Deployment status ${r.allReadyMs.deployment} ms`);
  for (const b of r.batches) console.log(`  batch of ${b.size}: issued at ${b.fromCreateMs} ms (${b.gapBeforeMs} ms after the previous answer), answered in ${b.tookMs} ms`);
  console.log('  step                                      p50 ms   max ms  pods');
  for (const row of r.steps) console.log(`  ${`${row.from} → ${row.to}`.padEnd(40)} ${String(row.p50Ms).padStart(7)} ${String(row.maxMs).padStart(8)} ${String(row.pods).padStart(5)}`);
  if (r.setUpFailures.length > 0) console.log(`  set-up failures (retried): ${r.setUpFailures.map((f) => `${f.pod} ${f.hook} at ${f.atMs} ms`).join(', ')}`);
  console.log(`  marks from the create request, p50/max ms: ${Object.entries(r.marks).map(([k, v]) => `${k} ${v.p50Ms}/${v.maxMs}`).join(', ')}`);
}

async function scenario(cluster: Cluster, replicas: number, sandboxNetwork: string): Promise<TraceResult> {
  const api = new ApiClient(cluster.kubeconfig);
  const s: Sightings = { pods: new Map() };
  const watches = watchAll(api, s, replicas);
  try {
    const loadBefore = os.loadavg().map((x) => Math.round(x * 100) / 100);
    const t0 = Date.now();
    await api.request('POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, workloadObject('deployment', NAME, replicas));
    await until(() => s.deploymentAllReadyMs !== undefined, { timeoutMs: 180_000, describe: () => `${[...s.pods.values()].filter((m) => m.has('ready-seen')).length}/${replicas} pods ready` });
    return summarize(replicas, sandboxNetwork, t0, s, cluster, loadBefore);
  } finally {
    watches.close();
    api.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { replicas: { type: 'string', default: '30' }, out: { type: 'string', default: '/tmp/pod-start-trace.json' },
    'sandbox-network': { type: 'string', default: 'veth' } } });
  const sandboxNetwork = values['sandbox-network'];
  if (sandboxNetwork !== 'docker' && sandboxNetwork !== 'veth') throw new Error('--sandbox-network must be docker or veth');
  const replicas = integerOption(values.replicas, '--replicas', 1, 200);
  process.env.PIKUBE_TRACE = 'pod-start'; // inherited by the control plane and the agents
  const result = await onFreshCluster('pod-start-trace', { iptablesSyncPeriod: '30s', sandboxNetwork }, (cluster) => scenario(cluster, replicas, sandboxNetwork));
  report(result);
  writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(`pod-start-trace: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
