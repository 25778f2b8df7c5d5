/**
 * Leader-change time in HA mode (three simulated Pis, each an etcd member, a control-plane
 * replica and an agent): the leading replica's Pi is powered off (everything in it dies at
 * once, as when its power is cut) and the run is timed until another replica logs that it
 * leads (its log polled every 100 ms). The Pi is powered on again and every node is Ready
 * before the next run; the new leader keeps leading, so the victim changes each run.
 */
import { readFileSync } from 'node:fs';
import type { Cluster } from '../cluster/cluster';
import { startNode, stopNode, waitNodesReady } from '../cluster/cluster';
import type { NodeState } from '../cluster/cluster-state';
import { controlPlaneLogOf } from '../cluster/ha-members';
import { until } from '../cluster/wait-until';
import { loadAverage1m } from './machine-load';

const LEADS = /is now the leader/;

export interface LeaderChangeRun {
  oldLeader: string;
  newLeader: string;
  ms: number;
  loadAverage1m: number;
}

function leads(cluster: Cluster, node: NodeState): number {
  try {
    return readFileSync(controlPlaneLogOf(cluster.logDir, node), 'utf8').split('\n').filter((l) => LEADS.test(l)).length;
  } catch {
    return 0;
  }
}

async function oneRun(cluster: Cluster, leader: NodeState): Promise<LeaderChangeRun> {
  const survivors = cluster.nodes.filter((n) => n !== leader);
  const before = new Map(survivors.map((n) => [n, leads(cluster, n)]));
  const loadAverage = loadAverage1m();
  const t0 = Date.now();
  await stopNode(cluster, leader.name);
  const next = await until(() => survivors.find((n) => leads(cluster, n) > (before.get(n) ?? 0)),
    { timeoutMs: 60_000, intervalMs: 100, describe: () => 'no surviving replica leads' });
  const ms = Date.now() - t0;
  await startNode(cluster, leader.name);
  await waitNodesReady(cluster, 180_000);
  return { oldLeader: leader.name, newLeader: next.name, ms, loadAverage1m: loadAverage };
}

export async function measureLeaderChange(cluster: Cluster, runs: number, onRun: (run: LeaderChangeRun) => void): Promise<void> {
  if (!cluster.ha) throw new Error('leader change: needs an HA cluster');
  let leader = await until(() => {
    const leading = cluster.nodes.filter((n) => leads(cluster, n) > 0);
    return leading.length === 1 ? leading[0] : undefined;
  }, { timeoutMs: 60_000, describe: () => 'no single replica leads' });
  for (let i = 0; i < runs; i++) {
    const run = await oneRun(cluster, leader);
    onRun(run);
    leader = cluster.nodes.find((n) => n.name === run.newLeader) ?? leader;
  }
}
