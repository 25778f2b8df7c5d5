/**
 * Docker Swarm's side of the failover benchmark, on a swarm of the simulated nodes' own
 * dockerds (swarm-cluster.ts): a service of N replicas of the same httpd with a health check
 * of the same URL every second (Swarm counts a task running once it is healthy); a worker
 * holding tasks is unplugged the same way, and the run is timed until the manager (polled
 * every 100 ms) reports N tasks running on the other nodes. Defaults: Swarm's own (5 s
 * dispatcher heartbeat, 5 s restart delay). Tuned: a 1 s dispatcher heartbeat and no restart
 * delay. The cable goes back and the run waits until the node is ready in the swarm and none
 * of the service's containers runs on it any more (Swarm shuts its old tasks down). The tasks
 * publish no port (no routing mesh here), so the Service error window is pikube's only.
 */
import type Docker from 'dockerode';
import type { Cluster } from '../cluster/cluster';
import { cutNode, reconnectNode } from '../cluster/cluster';
import type { NodeState } from '../cluster/cluster-state';
import { dockerClient } from '../cluster/cluster-node';
import { until } from '../cluster/wait-until';
import type { FailoverRun } from './failover-result';
import { loadAverage1m } from './machine-load';
import { COMMAND, HTTP_PORT, IMAGE_V1, READY_PATH, STOP_GRACE_SECONDS } from './rollout-workload';
import { dockerCli, withSwarm } from './swarm-cluster';
import { removeService, runningTasks, serviceContainers, swarmNodeNames } from './swarm-service';

const NAME = 'failover';
const TIMEOUT_MS = 120_000;

export interface SwarmFailoverOptions {
  replicas: number;
  runs: number;
  tuned: boolean;
}

function createArgs(replicas: number, tuned: boolean): string[] {
  const health = `wget -q -O /dev/null http://127.0.0.1:${HTTP_PORT}${READY_PATH}`;
  return [
    'service', 'create', '--detach', '--no-resolve-image', '--name', NAME, '--replicas', String(replicas),
    '--health-cmd', health, '--health-interval', '1s', '--health-timeout', '3s', '--health-retries', '10', '--health-start-period', '0s',
    '--stop-grace-period', `${STOP_GRACE_SECONDS}s`, '--reserve-cpu', '0.01', '--reserve-memory', '8M', '--limit-memory', '32M',
    ...(tuned ? ['--restart-delay', '0s'] : []), IMAGE_V1, ...COMMAND,
  ];
}

const total = (byNode: Record<string, number>, except?: string): number => Object.entries(byNode).filter(([id]) => id !== except).reduce((a, [, n]) => a + n, 0);

async function nodeReady(manager: Docker, id: string): Promise<boolean> {
  const nodes = (await manager.listNodes()) as { ID?: string; Status?: { State?: string } }[];
  return nodes.some((n) => n.ID === id && n.Status?.State === 'ready');
}

async function runningOn(node: NodeState): Promise<number> {
  return (await dockerClient(node).listContainers({ filters: { label: [`com.docker.swarm.service.name=${NAME}`] } })).length;
}

/** The i-th (rotating) worker holding tasks; if none holds any, the service is rebalanced (`update --force`) first. */
async function pickVictim(cluster: Cluster, manager: NodeState, docker: Docker, opts: SwarmFailoverOptions, i: number): Promise<{ victim: NodeState; id: string }> {
  const names = await swarmNodeNames(docker, cluster.nodes);
  const idOf = (n: NodeState): string => Object.entries(names).find(([, name]) => name === n.name)?.[0] ?? '';
  const workers = cluster.nodes.filter((n) => n !== manager);
  let byNode: Record<string, number> = {};
  const holding = (): NodeState[] => workers.filter((n) => (byNode[idOf(n)] ?? 0) > 0);
  const settled = async (): Promise<boolean> => total((byNode = await runningTasks(docker, NAME, IMAGE_V1))) === opts.replicas;
  await until(settled, { timeoutMs: TIMEOUT_MS, intervalMs: 200, describe: () => JSON.stringify(byNode) });
  if (holding().length === 0) {
    await dockerCli(manager, ['service', 'update', '--detach', '--force', NAME]);
    await until(async () => (await settled()) && holding().length > 0, { timeoutMs: TIMEOUT_MS, intervalMs: 200, describe: () => JSON.stringify(byNode) });
  }
  const victim = holding()[i % holding().length];
  return { victim, id: idOf(victim) };
}

async function oneRun(cluster: Cluster, manager: NodeState, opts: SwarmFailoverOptions, i: number): Promise<FailoverRun> {
  const docker = dockerClient(manager);
  const { victim, id } = await pickVictim(cluster, manager, docker, opts, i);
  const lost = (await runningTasks(docker, NAME, IMAGE_V1))[id] ?? 0;
  const loadAverage = loadAverage1m();
  const t0 = Date.now();
  await cutNode(cluster, victim.name);
  try {
    let seen: Record<string, number> = {};
    await until(async () => total((seen = await runningTasks(docker, NAME, IMAGE_V1)), id) >= opts.replicas,
      { timeoutMs: TIMEOUT_MS, intervalMs: 100, describe: () => `running by node: ${JSON.stringify(seen)} (victim ${id})` });
    const readyElsewhereMs = Date.now() - t0;
    const t1 = Date.now();
    await reconnectNode(cluster, victim.name);
    await until(() => nodeReady(docker, id), { timeoutMs: TIMEOUT_MS, intervalMs: 250, describe: () => `${victim.name} not ready in the swarm` });
    let left = 0;
    await until(async () => (left = await runningOn(victim)) === 0, { timeoutMs: TIMEOUT_MS, intervalMs: 250, describe: () => `${left} containers still running on ${victim.name}` });
    return { victim: victim.name, lost, readyElsewhereMs, cleanedAfterReplugMs: Date.now() - t1, loadAverage1m: loadAverage };
  } finally {
    await reconnectNode(cluster, victim.name).catch(() => undefined);
  }
}

/** Forms a swarm, tunes it if asked, runs `opts.runs` unplugs, then removes the service and leaves the swarm (also after a failure). */
export async function measureSwarmFailover(cluster: Cluster, opts: SwarmFailoverOptions, onRun: (run: FailoverRun) => void): Promise<void> {
  await withSwarm(cluster.nodes, async (manager) => {
    if (opts.tuned) await dockerCli(manager, ['swarm', 'update', '--dispatcher-heartbeat', '1s']);
    await dockerCli(manager, createArgs(opts.replicas, opts.tuned));
    try {
      for (let i = 0; i < opts.runs; i++) onRun(await oneRun(cluster, manager, opts, i));
    } finally {
      await removeService(manager, NAME);
      let left = 0;
      await until(async () => (left = await serviceContainers(cluster.nodes, NAME)) === 0, { timeoutMs: 60_000, intervalMs: 250, describe: () => `${left} containers of ${NAME} left` });
    }
  });
}
