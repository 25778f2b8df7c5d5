/**
 * Mutating requests under concurrent clients: each client creates a pod, merge-patches its
 * labels and deletes it (an unscheduled pod goes at once), over and over, in its own names.
 */
import type { ApiClient } from '../cluster/api-client';
import { benchPod, MERGE_PATCH, MUTATE_NAMESPACE, podsPath } from './api-load-objects';
import { measurePhase, type LatencyLog, type LoadPhase } from './closed-loop';

async function writeRound(api: ApiClient, log: LatencyLog, name: string, n: number): Promise<boolean> {
  const body = JSON.stringify(benchPod(name));
  const patch = JSON.stringify({ metadata: { labels: { round: String(n) } } });
  if (!(await log.time('create', (signal) => api.send('POST', podsPath(MUTATE_NAMESPACE), { body, signal })))) return false;
  const patched = await log.time('patch', (signal) => api.send('PATCH', podsPath(MUTATE_NAMESPACE, name), { body: patch, contentType: MERGE_PATCH, signal }));
  const deleted = await log.time('delete', (signal) => api.send('DELETE', podsPath(MUTATE_NAMESPACE, name), { signal }));
  return patched !== undefined && deleted !== undefined;
}

/**
 * `clients` concurrent writers for `seconds`. A name is never reused while its pod may exist:
 * each round's name holds the phase, the client and the round.
 */
export function measureWrites(api: ApiClient, phase: string, clients: number, seconds: number, pids: Record<string, number | undefined>): Promise<LoadPhase> {
  return measurePhase(clients, seconds, pids, (log, client, n) => writeRound(api, log, `w${phase}-c${client}-r${n}`, n));
}
