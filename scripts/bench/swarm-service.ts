/**
 * The rollout workload (rollout-workload.ts) as a Docker Swarm service, and what the manager
 * and the nodes say of it. Flags mirror the Kubernetes object: the same image (never resolved
 * against a registry: `--no-resolve-image`), a health check of the same URL every second,
 * 1 s to stop, the same reservations and memory limit; updates one task at a time, the new
 * one started first (maxSurge 1 / maxUnavailable 0), no delay between tasks.
 *
 * The health check is tolerant (3 s timeout, 10 retries): Swarm kills a task whose container
 * turns unhealthy, where a failing readiness probe only takes a pod out of service, and on a
 * loaded machine an exec'd `wget` can take over a second (with a readiness probe's 1 s and 3
 * failures, a run at load 50 saw tasks killed and the update paused). The first success still
 * marks a container healthy, so the time to ready is not lengthened.
 */
import type Docker from 'dockerode';
import type { NodeState } from '../cluster/cluster-state';
import { dockerClient } from '../cluster/cluster-node';
import { dockerCli } from './swarm-cluster';
import { BENCH_LABEL, BENCH_LABEL_VALUE, COMMAND, HTTP_PORT, IMAGE_V1, PROBE_PERIOD_SECONDS, READY_PATH, STOP_GRACE_SECONDS } from './rollout-workload';

const SERVICE_LABEL = 'com.docker.swarm.service.name';

const UPDATE_FLAGS = ['--update-parallelism', '1', '--update-order', 'start-first', '--update-delay', '0s', '--update-failure-action', 'pause'];

function createArgs(name: string, replicas: number): string[] {
  const health = `wget -q -O /dev/null http://127.0.0.1:${HTTP_PORT}${READY_PATH}`;
  return [
    'service', 'create', '--detach', '--no-resolve-image', '--name', name, '--replicas', String(replicas), '--label', `${BENCH_LABEL}=${BENCH_LABEL_VALUE}`,
    '--health-cmd', health, '--health-interval', `${PROBE_PERIOD_SECONDS}s`, '--health-timeout', '3s', '--health-retries', '10', '--health-start-period', '0s',
    '--stop-grace-period', `${STOP_GRACE_SECONDS}s`, '--reserve-cpu', '0.01', '--reserve-memory', '8M', '--limit-memory', '32M',
    ...UPDATE_FLAGS, IMAGE_V1, ...COMMAND,
  ];
}

export async function createService(manager: NodeState, name: string, replicas: number): Promise<void> {
  await dockerCli(manager, createArgs(name, replicas));
}

export async function updateServiceImage(manager: NodeState, name: string, image: string): Promise<void> {
  await dockerCli(manager, ['service', 'update', '--detach', '--no-resolve-image', ...UPDATE_FLAGS, '--image', image, name]);
}

export async function removeService(manager: NodeState, name: string): Promise<void> {
  await dockerCli(manager, ['service', 'rm', name], { allowFailure: true });
}

interface SwarmTask {
  NodeID?: string;
  Status?: { State?: string };
  Spec?: { ContainerSpec?: { Image?: string } };
}

/** Tasks of the service running `image`, by node id, as the manager reports them. */
export async function runningTasks(manager: Docker, name: string, image: string): Promise<Record<string, number>> {
  const tasks = (await manager.listTasks({ filters: { service: [name], 'desired-state': ['running'] } })) as SwarmTask[];
  const byNode: Record<string, number> = {};
  for (const t of tasks) {
    if (t.Status?.State === 'running' && t.Spec?.ContainerSpec?.Image === image) byNode[t.NodeID ?? '?'] = (byNode[t.NodeID ?? '?'] ?? 0) + 1;
  }
  return byNode;
}

/** Swarm node id → simulated node name (by LAN address: the nodes share the machine's host name). */
export async function swarmNodeNames(manager: Docker, nodes: readonly NodeState[]): Promise<Record<string, string>> {
  const swarmNodes = (await manager.listNodes()) as { ID?: string; Status?: { Addr?: string } }[];
  const byIp = new Map(nodes.map((n) => [n.ip, n.name]));
  return Object.fromEntries(swarmNodes.map((n) => [n.ID ?? '?', byIp.get(n.Status?.Addr ?? '') ?? n.Status?.Addr ?? '?']));
}

interface UpdateStatus {
  State?: string;
  Message?: string;
}

async function updateStatus(manager: Docker, name: string): Promise<UpdateStatus | undefined> {
  return ((await manager.getService(name).inspect()) as { UpdateStatus?: UpdateStatus }).UpdateStatus;
}

/** The service's rolling update state (`updating`, `completed`, `paused`...), undefined before its first update. */
export async function updateState(manager: Docker, name: string): Promise<string | undefined> {
  return (await updateStatus(manager, name))?.State;
}

/** Why the update is where it is, in the manager's words. */
export async function updateMessage(manager: Docker, name: string): Promise<string> {
  return (await updateStatus(manager, name))?.Message ?? '';
}

/** Containers of the service that Docker's health check reports healthy, on every node, running `image`. */
export async function healthyContainers(nodes: readonly NodeState[], name: string, image: string): Promise<number> {
  const counts = await Promise.all(nodes.map(async (n) => {
    const list = await dockerClient(n).listContainers({ filters: { label: [`${SERVICE_LABEL}=${name}`], health: ['healthy'] } });
    return list.filter((c) => c.Image === image).length;
  }));
  return counts.reduce((a, b) => a + b, 0);
}

/** Containers of the service still present on any node (running or not). */
export async function serviceContainers(nodes: readonly NodeState[], name: string): Promise<number> {
  const counts = await Promise.all(nodes.map(async (n) => (await dockerClient(n).listContainers({ all: true, filters: { label: [`${SERVICE_LABEL}=${name}`] } })).length));
  return counts.reduce((a, b) => a + b, 0);
}
