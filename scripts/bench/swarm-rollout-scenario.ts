/**
 * The Swarm side of the rollout benchmark: on a swarm of the simulated nodes' dockerds, a
 * service of N replicas is created and timed until the manager reports N tasks running
 * (Swarm reports a task with a health check running only once it is healthy; the nodes'
 * healthy containers are counted too, to check it), then its image is updated to the second
 * tag and timed until the manager reports the update completed with N tasks of the new image
 * running. The manager is polled every 200 ms. The service is removed (and its containers
 * gone) before the swarm is left, also after a failure.
 */
import type Docker from 'dockerode';
import type { Cluster } from '../cluster/cluster';
import type { NodeState } from '../cluster/cluster-state';
import { dockerClient } from '../cluster/cluster-node';
import { until } from '../cluster/wait-until';
import { CONTROL_PLANE, type PhaseResult, type RolloutLimits, type SideResult } from './rollout-result';
import { IMAGE_V1, IMAGE_V2 } from './rollout-workload';
import { withSwarm } from './swarm-cluster';
import { timedPhase } from './timed-phase';
import {
  createService, healthyContainers, removeService, runningTasks, serviceContainers, swarmNodeNames, updateMessage, updateServiceImage, updateState,
} from './swarm-service';

const POLL_MS = 200;
/** Update states from which the update will not complete by itself (failure action pause, or a rollback). */
const STUCK = /^(paused|rollback_)/;

function sum(byNode: Record<string, number>): number {
  return Object.values(byNode).reduce((a, b) => a + b, 0);
}

/** The manager's dockerd plays the control plane; the other nodes' dockerds are listed by node. */
function pids(cluster: Cluster): Record<string, number | undefined> {
  const [manager, ...workers] = cluster.nodes;
  return { [CONTROL_PLANE]: manager.dockerd?.pid, ...Object.fromEntries(workers.map((n) => [`dockerd-${n.name}`, n.dockerd?.pid])) };
}

interface Sighting {
  /** Tasks by node id. */
  perNode: Record<string, number>;
  /** Healthy containers on the nodes when the manager first reported every task running. */
  healthyWhenRunning: number;
}

/** Waits until N tasks of `image` run, then until N containers are healthy (at once, if running implies healthy). */
async function untilRunningAndHealthy(docker: Docker, nodes: readonly NodeState[], name: string, image: string, replicas: number, timeoutMs: number): Promise<Sighting> {
  let seen: Record<string, number> = {};
  let healthy = 0;
  const describe = (): string => `${sum(seen)}/${replicas} tasks of ${image} running, ${healthy} healthy`;
  await until(async () => sum((seen = await runningTasks(docker, name, image))) === replicas, { timeoutMs, intervalMs: POLL_MS, describe });
  const healthyWhenRunning = (healthy = await healthyContainers(nodes, name, image));
  await until(async () => (healthy = await healthyContainers(nodes, name, image)) >= replicas, { timeoutMs, intervalMs: POLL_MS, describe });
  return { perNode: seen, healthyWhenRunning };
}

async function timed(cluster: Cluster, command: () => Promise<void>, goal: () => Promise<Sighting>): Promise<{ phase: PhaseResult; sighting: Sighting }> {
  const { phase, value } = await timedPhase(pids(cluster), command, async () => ({ value: await goal(), at: performance.now() }));
  return { phase, sighting: value };
}

function named(byId: Record<string, number>, names: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(byId).map(([id, n]) => [names[id] ?? id, n]));
}

/** Until the manager says the update completed (a paused or rolled-back update fails at once), then N new tasks run healthy. */
async function untilUpdated(docker: Docker, nodes: readonly NodeState[], name: string, replicas: number, timeoutMs: number): Promise<Sighting> {
  let state: string | undefined;
  await until(async () => (state = await updateState(docker, name)) === 'completed' || (state !== undefined && STUCK.test(state)), {
    timeoutMs, intervalMs: POLL_MS, describe: () => `update state ${state ?? 'none yet'}`,
  });
  if (state !== 'completed') throw new Error(`the service's update ended ${state ?? '?'}: ${await updateMessage(docker, name)}`);
  return untilRunningAndHealthy(docker, nodes, name, IMAGE_V2, replicas, timeoutMs);
}

async function createAndRoll(cluster: Cluster, manager: NodeState, name: string, replicas: number, limits: RolloutLimits): Promise<SideResult> {
  const docker = dockerClient(manager);
  const created = await timed(cluster, () => createService(manager, name, replicas),
    () => untilRunningAndHealthy(docker, cluster.nodes, name, IMAGE_V1, replicas, limits.readyTimeoutMs));
  const rolled = await timed(cluster, () => updateServiceImage(manager, name, IMAGE_V2),
    () => untilUpdated(docker, cluster.nodes, name, replicas, limits.rolloutTimeoutMs));
  const names = await swarmNodeNames(docker, cluster.nodes);
  const healthy = `healthy containers when the manager first reported all ${replicas} tasks running: ${created.sighting.healthyWhenRunning} after create, ${rolled.sighting.healthyWhenRunning} after the update`;
  return {
    workload: 'docker service (start-first, parallelism 1)', createToReady: created.phase, rollout: rolled.phase,
    perNode: { ready: named(created.sighting.perNode, names), rolled: named(rolled.sighting.perNode, names) }, notes: [healthy],
  };
}

/** Removes the service and waits (bounded) until none of its containers is left on any node. */
async function removeAndWait(manager: NodeState, nodes: readonly NodeState[], name: string): Promise<void> {
  await removeService(manager, name);
  let left = 0;
  await until(async () => (left = await serviceContainers(nodes, name)) === 0, { timeoutMs: 60_000, intervalMs: 250, describe: () => `${left} containers of ${name} left` });
}

export async function measureSwarmRollout(cluster: Cluster, replicas: number, limits: RolloutLimits): Promise<SideResult> {
  const name = `rollout-${replicas}`;
  return withSwarm(cluster.nodes, async (manager) => {
    try {
      return await createAndRoll(cluster, manager, name, replicas, limits);
    } finally {
      await removeAndWait(manager, cluster.nodes, name);
    }
  });
}
