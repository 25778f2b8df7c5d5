/**
 * The floor under a pod start (issue 16): the time the nodes' dockerds alone need to create
 * and start the same pause + app container pairs that the agents would make for the same
 * pods, all at once, with no pikube in the way. Each pair is what the agent asks of Docker
 * (agent/pods/container-spec.ts): a pause container on the node's pod network (or another
 * network, to compare) with the pod's hostname, then the app container in its network
 * namespace with the pod's memory limit, both under the node's cgroup root. The containers
 * carry none of the agent's labels, so the agents leave them alone; they are removed after.
 */
import type Docker from 'dockerode';
import type { NodeState } from '../cluster/cluster-state';
import { dockerClient } from '../cluster/cluster-node';
import { PAUSE_IMAGE, TEST_IMAGE } from '../cluster/test-image';
import { until } from '../cluster/wait-until';

/** `pod`: the agents' pod network (`pikube`), as pods get; `bridge`: Docker's default bridge; `none`: no network. */
export type FloorNetwork = 'pod' | 'bridge' | 'none';

export interface FloorResult {
  network: FloorNetwork;
  pairs: number;
  /** From the first create to the last app container started. */
  allStartedMs: number;
  /** Per pair, from the run's start to its app container started. */
  pairMs: { p50: number; max: number };
}

const POD_NETWORK = 'pikube';
const FLOOR_LABEL = 'pikube-bench-floor';
const MEMORY_LIMIT = 32 * 2 ** 20;

function networkModeOf(network: FloorNetwork): string {
  return network === 'pod' ? POD_NETWORK : network;
}

/** Creates and starts one pause + app pair; resolves when the app container has started. */
async function startPair(docker: Docker, node: NodeState, i: number, network: FloorNetwork, command: string[]): Promise<void> {
  const labels = { [FLOOR_LABEL]: 'true' };
  const cgroup = node.cgroupDriver === 'systemd' ? {} : { CgroupParent: `${node.cgroupRoot}/bench-floor` };
  const pause = await docker.createContainer({ name: `floor-${i}-pause`, Image: PAUSE_IMAGE, Hostname: `floor-${i}`, Labels: labels,
    HostConfig: { NetworkMode: networkModeOf(network), RestartPolicy: { Name: 'no' }, ...cgroup } });
  await pause.start();
  const app = await docker.createContainer({ name: `floor-${i}-app`, Image: TEST_IMAGE, Entrypoint: command, Labels: labels,
    HostConfig: { NetworkMode: `container:${pause.id}`, Memory: MEMORY_LIMIT, MemorySwap: MEMORY_LIMIT, RestartPolicy: { Name: 'no' }, ...cgroup } });
  await app.start();
}

/** Removes every container of the floor run on the node (app containers first). */
async function removeFloor(docker: Docker): Promise<void> {
  const found = await docker.listContainers({ all: true, filters: { label: [FLOOR_LABEL] } });
  const apps = found.filter((c) => !c.Names.some((n) => n.endsWith('-pause')));
  const pauses = found.filter((c) => c.Names.some((n) => n.endsWith('-pause')));
  for (const group of [apps, pauses]) await Promise.all(group.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

/** The agents make the pod network once their node has a pod CIDR: wait for it on every node. */
async function podNetworkOnEvery(clients: readonly Docker[]): Promise<void> {
  const present = async (d: Docker): Promise<boolean> => d.getNetwork(POD_NETWORK).inspect().then(() => true, () => false);
  let seen = 0;
  await until(async () => (seen = (await Promise.all(clients.map(present))).filter(Boolean).length) === clients.length,
    { timeoutMs: 60_000, describe: () => `pod network "${POD_NETWORK}" on ${seen}/${clients.length} nodes` });
}

/**
 * `pairs` pairs spread over the nodes as the scheduler spreads equal pods (round robin), all
 * started at once; always removed afterwards.
 */
export async function measureDockerFloor(nodes: readonly NodeState[], pairs: number, network: FloorNetwork, command: string[]): Promise<FloorResult> {
  const clients = nodes.map((n) => dockerClient(n));
  if (network === 'pod') await podNetworkOnEvery(clients);
  try {
    const start = performance.now();
    const done: number[] = [];
    await Promise.all(Array.from({ length: pairs }, async (_, i) => {
      const k = i % nodes.length;
      await startPair(clients[k], nodes[k], i, network, command);
      done.push(performance.now() - start);
    }));
    done.sort((a, b) => a - b);
    return { network, pairs, allStartedMs: Math.round(done[done.length - 1]), pairMs: { p50: Math.round(done[Math.floor((done.length - 1) / 2)]), max: Math.round(done[done.length - 1]) } };
  } finally {
    await Promise.all(clients.map((d) => removeFloor(d)));
  }
}
