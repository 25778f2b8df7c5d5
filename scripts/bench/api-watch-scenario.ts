/**
 * The control plane's memory under many watches (the caller reads it at rest before): RSS
 * while `watches` watches of the listed pods are open (each from the list's resourceVersion, as an informer starts), and a
 * few seconds after they close. While they are open, a few pods are patched one by one and
 * every watch must see each change (fan-out delay, from the PATCH being sent); then the
 * watches sit idle for `seconds`, with the CPU they cost measured.
 */
import type { ApiClient } from '../cluster/api-client';
import { until } from '../cluster/wait-until';
import { LIST_NAMESPACE, listPodName, MERGE_PATCH, podsPath } from './api-load-objects';
import { REQUEST_TIMEOUT_MS, type LatencySummary } from './closed-loop';
import { measureCpu, type CpuShares } from './phase-cpu';
import { spread } from './spread';
import { rssMiB } from './stats';
import { WatchCrowd, type CrowdOpening } from './watch-crowd';

const OPEN_PARALLEL = 50;
const OPEN_TIMEOUT_MS = 30_000;
const FANOUT_CHANGES = 10;
const FANOUT_GAP_MS = 200;
const FANOUT_TIMEOUT_MS = 30_000;
/** How long after the watches close the control plane's RSS is read again. */
export const AFTER_CLOSE_MS = 5_000;

export interface WatchOptions {
  watches: number;
  seconds: number;
  controlPlanePid: number;
  pids: Record<string, number | undefined>;
}

export interface WatchResult extends CrowdOpening {
  fanout: { changes: number; deliveries: number; expected: number; delayMs?: LatencySummary };
  idle: { seconds: number; cpuPercent: CpuShares };
  /** Streams the server ended while they should have stayed open, by reason. */
  endedEarly: Record<string, number>;
  rssMiB: { underWatches?: number; maxUnderWatches?: number; afterClose?: number };
}

async function listResourceVersion(api: ApiClient): Promise<string> {
  const list = await api.request<{ metadata: { resourceVersion: string } }>('GET', `${podsPath(LIST_NAMESPACE)}?limit=1`, undefined, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  return list.metadata.resourceVersion;
}

/** Patches pods one at a time; resolves with each pod's name and when its PATCH was sent. */
async function changePods(api: ApiClient, changes: number): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  for (let i = 0; i < changes; i++) {
    const name = listPodName(i);
    const body = JSON.stringify({ metadata: { labels: { fanout: String(i) } } });
    sent.set(name, performance.now());
    const res = await api.send('PATCH', podsPath(LIST_NAMESPACE, name), { body, contentType: MERGE_PATCH, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (res.statusCode !== 200) throw new Error(`PATCH ${name}: ${res.statusCode} ${res.body.toString('utf8').slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, FANOUT_GAP_MS));
  }
  return sent;
}

/** Every open watch sees every change, or the wait times out (then the deliveries say how many arrived). */
async function measureFanout(api: ApiClient, crowd: WatchCrowd, opened: number): Promise<WatchResult['fanout']> {
  const sent = await changePods(api, FANOUT_CHANGES);
  const delivered = (): number => [...sent.keys()].reduce((n, name) => n + crowd.sawModified(name), 0);
  const expected = FANOUT_CHANGES * opened;
  await until(() => delivered() >= expected, { timeoutMs: FANOUT_TIMEOUT_MS, intervalMs: 100 }).catch(() => undefined);
  const delays = [...sent].flatMap(([name, at]) => crowd.delays(name, at));
  return { changes: FANOUT_CHANGES, deliveries: delivered(), expected, delayMs: delays.length > 0 ? { count: delays.length, ...spread(delays) } : undefined };
}

/** Sits idle `seconds` with the watches open, reading the control plane's RSS each second; resolves with the largest. */
async function idleWithWatches(seconds: number, pid: number): Promise<number | undefined> {
  let max: number | undefined;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - performance.now()))));
    const rss = rssMiB(pid);
    if (rss !== undefined && (max === undefined || rss > max)) max = rss;
  }
  return max;
}

export async function measureWatches(api: ApiClient, kubeconfig: string, opts: WatchOptions): Promise<WatchResult> {
  const rv = await listResourceVersion(api);
  const path = `${podsPath(LIST_NAMESPACE)}?watch=true&resourceVersion=${rv}&timeoutSeconds=${opts.seconds + 300}`;
  const crowd = new WatchCrowd(kubeconfig, opts.watches);
  try {
    const opening = await crowd.open(path, OPEN_PARALLEL, OPEN_TIMEOUT_MS);
    const fanout = await measureFanout(api, crowd, opening.opened);
    const idle = await measureCpu(opts.pids, () => idleWithWatches(opts.seconds, opts.controlPlanePid));
    const underWatches = rssMiB(opts.controlPlanePid);
    const endedEarly = crowd.endedStreams();
    crowd.close();
    await new Promise((r) => setTimeout(r, AFTER_CLOSE_MS));
    const rss = { underWatches, maxUnderWatches: idle.value, afterClose: rssMiB(opts.controlPlanePid) };
    return { ...opening, fanout, idle: { seconds: opts.seconds, cpuPercent: idle.cpuPercent }, endedEarly, rssMiB: rss };
  } finally {
    crowd.close();
  }
}
