/**
 * Docker Swarm on the simulated nodes' own dockerds, for side-by-side benchmarks: the first
 * node's dockerd inits the swarm on its LAN address (inside its namespace), the others join
 * it; leaving is forced on every node, workers first, and always runs, also after a failure.
 * Swarm's ports (2377 management, 7946 gossip, 4789 VXLAN) are then open between the
 * namespaces only: nodes have no default route, the LAN is all they reach.
 */
import type Docker from 'dockerode';
import type { NodeState } from '../cluster/cluster-state';
import { dockerClient } from '../cluster/cluster-node';
import { runCommand, type CommandResult } from '../cluster/run-command';
import { until } from '../cluster/wait-until';

const SWARM_PORT = 2377;
const CLI_TIMEOUT_MS = 60_000;
const JOIN_TIMEOUT_MS = 60_000;

/** The docker CLI against one node's dockerd; bounded in time; rejects with its stderr when it fails. */
export function dockerCli(node: NodeState, args: string[], opts: { allowFailure?: boolean } = {}): Promise<CommandResult> {
  return runCommand('docker', ['-H', `unix://${node.dockerSocket}`, ...args], { timeoutMs: CLI_TIMEOUT_MS, allowFailure: opts.allowFailure });
}

async function swarmState(docker: Docker): Promise<string> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  return info.Swarm?.LocalNodeState ?? 'unknown';
}

/** Leaves whatever swarm the node's dockerd is in (a stale one too); a node in none is left alone. */
export async function leaveSwarm(node: NodeState): Promise<void> {
  if ((await swarmState(dockerClient(node))) === 'inactive') return;
  await dockerCli(node, ['swarm', 'leave', '--force']);
}

async function readyNodes(manager: Docker): Promise<number> {
  const nodes = (await manager.listNodes()) as { Status?: { State?: string } }[];
  return nodes.filter((n) => n.Status?.State === 'ready').length;
}

/** Inits the swarm on `nodes[0]` and joins the rest as workers; resolves once the manager sees them all ready. */
async function formSwarm(nodes: readonly NodeState[]): Promise<void> {
  const [manager, ...workers] = nodes;
  const listen = (n: NodeState): string[] => ['--advertise-addr', n.ip, '--listen-addr', `${n.ip}:${SWARM_PORT}`];
  await dockerCli(manager, ['swarm', 'init', ...listen(manager)]);
  const token = (await dockerCli(manager, ['swarm', 'join-token', '--quiet', 'worker'])).stdout.trim();
  for (const w of workers) await dockerCli(w, ['swarm', 'join', '--token', token, ...listen(w), `${manager.ip}:${SWARM_PORT}`]);
  const docker = dockerClient(manager);
  let seen = 0;
  await until(async () => (seen = await readyNodes(docker)) === nodes.length, {
    timeoutMs: JOIN_TIMEOUT_MS, intervalMs: 200, describe: () => `${seen}/${nodes.length} swarm nodes ready`,
  });
}

/** Leaves on every node, workers first; tries them all and reports every failure together. */
async function leaveAll(nodes: readonly NodeState[]): Promise<void> {
  const errors: unknown[] = [];
  for (const node of [...nodes].reverse()) await leaveSwarm(node).catch((err: unknown) => errors.push(err));
  if (errors.length > 0) throw new AggregateError(errors, `leaving the swarm failed on ${errors.length} node(s)`);
}

/** Runs `fn` with a swarm of the nodes' dockerds (stale swarm state left first), and always leaves it. */
export async function withSwarm<T>(nodes: readonly NodeState[], fn: (manager: NodeState) => Promise<T>): Promise<T> {
  if (nodes.length === 0) throw new Error('a swarm needs at least one node');
  await leaveAll(nodes);
  let failed = false;
  try {
    await formSwarm(nodes);
    return await fn(nodes[0]);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A failed leave must not hide the failure that came first (the cluster's teardown still removes the swarm's state).
    await leaveAll(nodes).catch((err: unknown) => {
      if (!failed) throw err;
      console.error(`swarm: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
