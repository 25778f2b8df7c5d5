/**
 * Benchmark: the API server under load (issue 9). A fresh control plane and etcd (the simulated
 * cluster's, on its own LAN; no agent nodes unless --nodes), then, in namespaces of its own:
 *  1. `--pods` pods created by 10 writers (they name a scheduler that does not run: they stay
 *     Pending and nothing else writes to them);
 *  2. the control plane's RSS at rest, under `--watches` concurrent watches of those pods
 *     (each its own HTTPS connection; a change fanned out to all; `--seconds` idle), and
 *     5 s after they close (api-watch-scenario.ts) — before the load phases, whose garbage
 *     would hide what the watches cost;
 *  3. mutating requests (create, merge patch, delete of a pod) from each `--concurrency` level
 *     of clients for `--seconds`;
 *  4. LIST of all those pods in one request, as JSON and as the Table kubectl get asks for,
 *     at each concurrency level for `--seconds`, asking for gzip as kubectl does (`--gzip
 *     false`: plain answers); then the RSS again.
 * Everything it started is removed at the end, also on Ctrl-C or SIGTERM; a run killed outright
 * leaves a registered cluster whose owner is dead, which `npm stop` (or the test runner) sweeps.
 * It sweeps nothing itself: other clusters on the machine, dead or alive, are not its own.
 * Prints the figures and writes them as JSON (default docs/bench/api-load.json).
 *
 *   npm run bench:api-load -- [--pods 1000] [--watches 500] [--seconds 10] [--concurrency 10,50]
 *     [--nodes 0] [--gzip true] [--out FILE]
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../cluster/api-client';
import { downCluster, upCluster, type Cluster } from '../cluster/cluster';
import { benchNamespace, JSON_ACCEPT, LIST_NAMESPACE, MUTATE_NAMESPACE, TABLE_ACCEPT } from './api-load-objects';
import { createListPods, measureList, type ListPhase, type PodsCreated } from './api-list-scenario';
import { measureWatches, type WatchResult } from './api-watch-scenario';
import { measureWrites } from './api-write-scenario';
import { REQUEST_TIMEOUT_MS, type LoadPhase } from './closed-loop';
import { rssMiB } from './stats';
import { integerOption } from './integer-option';
import { uptime } from './machine-load';

/** Ours, on the simulated cluster (Kubernetes' SLOs: 1 s mutating, 30 s LIST, at p99). */
const GOAL_MUTATING_P99_MS = 50;
const GOAL_LIST_P99_MS = 150;
const CREATE_WRITERS = 10;
/** Left for the control plane to finish what a phase started (GC, etcd compaction) before RSS is read. */
const SETTLE_MS = 3_000;

interface Options {
  pods: number;
  watches: number;
  seconds: number;
  concurrency: number[];
  nodes: number;
  /** LISTs send `Accept-Encoding: gzip`, as kubectl does. */
  gzip: boolean;
  out: string;
}

interface Result {
  options: Omit<Options, 'out'>;
  agents: number;
  podsCreated: PodsCreated;
  writes: LoadPhase[];
  listJson: ListPhase[];
  listTable: ListPhase[];
  watches?: WatchResult;
  rssMiB: { controlPlane: Record<string, number | undefined>; etcd: Record<string, number | undefined> };
  goals: { mutatingP99Ms: number; listP99Ms: number; met: Record<string, boolean> };
  date: string;
  machine: string;
  /** `uptime` before and after the run. */
  uptime: { before: string; after: string };
  totalSeconds: number;
}

function options(): Options {
  const { values } = parseArgs({ options: {
    pods: { type: 'string', default: '1000' }, watches: { type: 'string', default: '500' }, seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '10,50' }, nodes: { type: 'string', default: '0' }, gzip: { type: 'string', default: 'true' },
    out: { type: 'string', default: 'docs/bench/api-load.json' } } });
  if (values.gzip !== 'true' && values.gzip !== 'false') throw new Error(`--gzip: true or false, not ${values.gzip}`);
  const concurrency = values.concurrency.split(',').map((c) => integerOption(c.trim(), '--concurrency', 1, 200));
  return {
    pods: integerOption(values.pods, '--pods', 1, 10_000), watches: integerOption(values.watches, '--watches', 0, 2_000),
    seconds: integerOption(values.seconds, '--seconds', 1, 300), concurrency, nodes: integerOption(values.nodes, '--nodes', 0, 5), gzip: values.gzip === 'true', out: values.out,
  };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));

function processPids(cluster: Cluster): { controlPlane: number; etcd: number | undefined } {
  const controlPlane = cluster.controlPlane?.process?.pid;
  if (controlPlane === undefined) throw new Error('the cluster has no control plane process');
  return { controlPlane, etcd: cluster.etcd?.process?.pid };
}

async function loadPhases(api: ApiClient, opts: Options, pids: Record<string, number | undefined>): Promise<Pick<Result, 'writes' | 'listJson' | 'listTable'>> {
  await measureWrites(api, 'warm', 2, 1, pids); // JIT and connections warm before anything counts
  const writes: LoadPhase[] = [];
  for (const c of opts.concurrency) writes.push(report('mutating', await measureWrites(api, String(c), c, opts.seconds, pids)));
  const listJson: ListPhase[] = [];
  const encoding = opts.gzip ? 'gzip' : undefined;
  for (const c of opts.concurrency) listJson.push(report('LIST json', await measureList(api, JSON_ACCEPT, encoding, c, opts.seconds, pids)));
  const listTable: ListPhase[] = [];
  for (const c of opts.concurrency) listTable.push(report('LIST table', await measureList(api, TABLE_ACCEPT, encoding, c, opts.seconds, pids)));
  return { writes, listJson, listTable };
}

async function measure(cluster: Cluster, opts: Options, before: string, started: number): Promise<Result> {
  const api = new ApiClient(cluster.kubeconfig, { maxSockets: Math.max(...opts.concurrency, CREATE_WRITERS) + 4 });
  const { controlPlane, etcd } = processPids(cluster);
  const pids = { controlPlane, etcd };
  const cpRss: Record<string, number | undefined> = { empty: rssMiB(controlPlane) };
  try {
    for (const ns of [LIST_NAMESPACE, MUTATE_NAMESPACE]) await api.request('POST', '/api/v1/namespaces', benchNamespace(ns), AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    const podsCreated = await createListPods(api, opts.pods, CREATE_WRITERS);
    console.log(`api-load: ${podsCreated.pods} pods created by ${CREATE_WRITERS} writers in ${podsCreated.seconds} s (create p50 ${podsCreated.createMs?.p50} ms, p99 ${podsCreated.createMs?.p99} ms)`);
    await settle();
    cpRss.atRest = rssMiB(controlPlane);
    const watches = opts.watches > 0 ? reportWatches(await measureWatches(api, cluster.kubeconfig, { watches: opts.watches, seconds: opts.seconds, controlPlanePid: controlPlane, pids })) : undefined;
    const phases = await loadPhases(api, opts, pids);
    await settle();
    cpRss.afterLoad = rssMiB(controlPlane);
    const etcdRss = { atEnd: etcd === undefined ? undefined : rssMiB(etcd) };
    const { out: _out, ...shown } = opts;
    return {
      options: shown, agents: cluster.nodes.length, podsCreated, ...phases, watches,
      rssMiB: { controlPlane: { empty: cpRss.empty, atRest: cpRss.atRest, ...watches?.rssMiB, afterLoad: cpRss.afterLoad }, etcd: etcdRss }, goals: goals(phases),
      date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}`,
      uptime: { before, after: uptime() }, totalSeconds: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    api.close();
  }
}

function goals(phases: Pick<Result, 'writes' | 'listJson' | 'listTable'>): Result['goals'] {
  const met: Record<string, boolean> = {};
  for (const p of phases.writes) met[`mutating, ${p.clients} clients`] = (p.latencyMs.all?.p99 ?? Infinity) <= GOAL_MUTATING_P99_MS && Object.keys(p.failures).length === 0;
  for (const [format, list] of [['json', phases.listJson], ['table', phases.listTable]] as const) {
    for (const p of list) met[`LIST ${format}, ${p.clients} clients`] = (p.latencyMs.list?.p99 ?? Infinity) <= GOAL_LIST_P99_MS && Object.keys(p.failures).length === 0;
  }
  return { mutatingP99Ms: GOAL_MUTATING_P99_MS, listP99Ms: GOAL_LIST_P99_MS, met };
}

function report<T extends LoadPhase>(what: string, p: T): T {
  const ops = Object.entries(p.latencyMs).map(([op, s]) => `${op} p50 ${s.p50} / p99 ${s.p99} / max ${s.max} ms (${s.count})`).join('; ');
  const failed = Object.keys(p.failures).length > 0 ? `; FAILURES ${JSON.stringify(p.failures)}` : '';
  console.log(`api-load: ${what}, ${p.clients} clients, ${p.seconds} s: ${p.requestsPerSecond} req/s; ${ops}; CPU % ${JSON.stringify(p.cpuPercent)}; CPU ms/request ${JSON.stringify(p.cpuMsPerRequest)}; load ${p.loadAverage1m}${failed}`);
  return p;
}

function reportWatches(w: WatchResult): WatchResult {
  const refused = Object.keys(w.refused).length > 0 ? ` (refused ${JSON.stringify(w.refused)})` : '';
  console.log(`api-load: ${w.opened}/${w.requested} watches open in ${w.seconds} s${refused}; fan-out ${w.fanout.deliveries}/${w.fanout.expected} events, delay ${JSON.stringify(w.fanout.delayMs)}`);
  console.log(`api-load: idle with watches, CPU % ${JSON.stringify(w.idle.cpuPercent)}; ended early ${JSON.stringify(w.endedEarly)}; RSS ${JSON.stringify(w.rssMiB)} MiB`);
  return w;
}

/** Tears the cluster down once, whether the run ends, fails or is interrupted; a failed teardown fails the run. */
function teardownOnce(cluster: Cluster): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= downCluster(cluster).catch((err: unknown) => {
    console.error(`api-load: ${(err as Error).message}`);
    process.exitCode = 1;
  }));
}

async function main(): Promise<void> {
  const opts = options();
  const started = performance.now();
  const before = uptime();
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'pikube-bench-api-'));
  const nodes = Array.from({ length: opts.nodes }, (_, i) => `pi${i + 1}`);
  let teardown: (() => Promise<void>) | undefined;
  const interrupted = (): void => void (teardown?.() ?? Promise.resolve()).then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  // Registered before anything starts, so that an interruption during start-up removes what was made.
  const cluster = await upCluster({ baseDir, nodes, removeBaseDir: true, onRegistered: (state) => { teardown = teardownOnce(state); } });
  teardown ??= teardownOnce(cluster);
  try {
    const result = await measure(cluster, opts, before, started);
    console.log(`api-load: goals (p99 mutating ≤ ${GOAL_MUTATING_P99_MS} ms, LIST ≤ ${GOAL_LIST_P99_MS} ms): ${JSON.stringify(result.goals.met)}`);
    mkdirSync(path.dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await teardown();
  }
}

main().catch((err: unknown) => {
  console.error(`api-load: ${(err as Error).message}`);
  process.exit(1);
});
