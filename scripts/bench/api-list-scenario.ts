/**
 * LIST of many pods under concurrent clients: the pods are created first (`createListPods`),
 * then every client lists the whole namespace in one request, as JSON or as the Table kubectl
 * get asks for, over and over, with `Accept-Encoding: gzip` as kubectl (Go's transport) sends
 * unless told otherwise. Each answer is read whole but neither unpacked nor parsed (the
 * benchmark's CPU is the server's too); the first one is, to check that it holds every pod.
 */
import { gunzipSync } from 'node:zlib';
import type { ApiClient } from '../cluster/api-client';
import { benchPod, LIST_NAMESPACE, listPodName, podsPath } from './api-load-objects';
import { LatencyLog, measurePhase, REQUEST_TIMEOUT_MS, type LatencySummary, type LoadPhase } from './closed-loop';

export interface PodsCreated {
  pods: number;
  writers: number;
  seconds: number;
  createMs: LatencySummary | undefined;
  failures: Record<string, number>;
}

export interface ListPhase extends LoadPhase {
  accept: string;
  /** The Accept-Encoding sent, if any. */
  acceptEncoding?: string;
  /** Size of one answer as sent (gzipped when it was). */
  bytes: number;
  /** Size of one answer unpacked. */
  plainBytes: number;
}

/** Creates pods list-00000… with `writers` concurrent writers; fails if any is missing. */
export async function createListPods(api: ApiClient, pods: number, writers: number): Promise<PodsCreated> {
  const log = new LatencyLog();
  let next = 0;
  const start = performance.now();
  const writer = async (): Promise<void> => {
    for (let i = next++; i < pods; i = next++) {
      const body = JSON.stringify(benchPod(listPodName(i)));
      await log.time('create', (signal) => api.send('POST', podsPath(LIST_NAMESPACE), { body, signal }));
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const seconds = Math.round((performance.now() - start) / 100) / 10;
  const created = await countListPods(api);
  if (created !== pods) throw new Error(`${created} of ${pods} pods created: ${JSON.stringify(log.failureCounts())}`);
  return { pods, writers, seconds, createMs: log.summary().create, failures: log.failureCounts() };
}

export async function countListPods(api: ApiClient): Promise<number> {
  const list = await api.request<{ items: unknown[] }>('GET', podsPath(LIST_NAMESPACE), undefined, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  return list.items.length;
}

/**
 * `clients` concurrent LISTs of the namespace for `seconds`, with `accept` as the Accept header
 * and `acceptEncoding` (if any) as Accept-Encoding.
 */
export async function measureList(api: ApiClient, accept: string, acceptEncoding: string | undefined, clients: number, seconds: number, pids: Record<string, number | undefined>): Promise<ListPhase> {
  const first = await api.send('GET', podsPath(LIST_NAMESPACE), { accept, acceptEncoding, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const plain = first.contentEncoding === 'gzip' ? gunzipSync(first.body) : first.body;
  if (first.statusCode !== 200) throw new Error(`LIST with Accept ${accept}: ${first.statusCode} ${plain.toString('utf8').slice(0, 300)}`);
  const phase = await measurePhase(clients, seconds, pids, async (log) =>
    (await log.time('list', (signal) => api.send('GET', podsPath(LIST_NAMESPACE), { accept, acceptEncoding, signal }))) !== undefined);
  return { ...phase, accept, acceptEncoding, bytes: first.body.length, plainBytes: plain.length };
}
