/**
 * One simulated Pi: a network namespace plugged into the LAN, its own dockerd (started in the
 * namespace with nsenter, never `ip netns exec`, which would remount /sys and hide the
 * cgroups), the test images, a node certificate, and its agent, also run in the namespace.
 * Functions here change `node` in place; the caller persists the state after each call.
 */
import path from 'node:path';
import Docker from 'dockerode';
import { createNetns, deleteNetns, netnsPath } from './netns';
import { attachNode, nodeIp, setNodeLink } from './lan';
import { startNodeDockerd } from './node-dockerd';
import { loadTestImages, PAUSE_IMAGE } from './test-image';
import { spawnDaemon } from './run-command';
import { awaitReaped, processRef, signalRef, stopRef, type ProcessRef } from './process-ref';
import { killAll, processesInNetns, stopAll } from './process-search';
import { cgroupDirName, processesInCgroup, removeCgroup } from './cgroup-dirs';
import { unmountUnder } from './mounts';
import { removeShimSockets, taskIds } from './shim-sockets';
import { cgroupName, nodeNetnsName, switchPortName } from './cluster-names';
import type { LanState, NodeState } from './cluster-state';
import type { DockerCgroupDriver } from './docker-cgroup-driver';

export interface NodeLayoutInput {
  clusterId: string;
  subnet: string;
  dataDir: string;
  registryDir: string;
  name: string;
  index: number;
  cgroupDriver: DockerCgroupDriver;
}

export function nodeLayout(i: NodeLayoutInput): NodeState {
  const runDir = path.join(i.registryDir, i.name);
  return {
    name: i.name, index: i.index, netns: nodeNetnsName(i.clusterId, i.name), ip: nodeIp(i.subnet, i.index),
    switchPort: switchPortName(i.name), bip: `172.29.${i.index}.1/24`, cgroupRoot: `/${cgroupName(i.clusterId, i.name)}`, cgroupDriver: i.cgroupDriver,
    dir: path.join(i.dataDir, 'nodes', i.name), runDir, dockerSocket: path.join(runDir, 'docker.sock'),
  };
}

export function nodeLogFile(logDir: string, node: NodeState, component: 'dockerd' | 'agent'): string {
  return path.join(logDir, `${node.name}-${component}.log`);
}

/** Creates the node's namespace and plugs it into the LAN. */
export async function plugNode(lan: LanState, node: NodeState): Promise<void> {
  await createNetns(node.netns);
  await attachNode(lan, node);
}

/** Pulls the node's cable (down) or plugs it back (up). */
export function setNodeCable(lan: LanState, node: NodeState, up: boolean): Promise<void> {
  return setNodeLink(lan, node, up);
}

export async function startDockerd(node: NodeState, logDir: string): Promise<void> {
  const dockerd = await startNodeDockerd({
    netns: node.netns, dataDir: path.join(node.dir, 'docker'), runDir: node.runDir,
    bip: node.bip, cgroupParent: node.cgroupRoot, cgroupDriver: node.cgroupDriver, logFile: nodeLogFile(logDir, node, 'dockerd'),
  });
  node.dockerd = processRef(dockerd.pid);
}

export function dockerClient(node: NodeState): Docker {
  return new Docker({ socketPath: node.dockerSocket });
}

export function loadImages(node: NodeState): Promise<void> {
  return loadTestImages(dockerClient(node));
}

export function nodePkiDir(node: NodeState): string {
  return path.join(node.dir, 'pki');
}

export interface AgentOptions {
  agentJs: string;
  /** host:port of every control plane's node service. */
  servers: string[];
  logDir: string;
  /** The agents' `--iptables-sync-period` (drift check interval), e.g. "30s": DEFAULT_IPTABLES_SYNC_PERIOD if absent. */
  iptablesSyncPeriod?: string;
  /** The agents' `--sandbox-network` (veth, the agent's default, or docker). */
  sandboxNetwork?: 'docker' | 'veth';
  /** Node's own flags, before the script (e.g. the unit's heap sizes, unit-node-flags.ts). */
  nodeFlags?: string[];
}

/**
 * The simulation's drift check interval: short, so that the drift-repair e2e sees a repair
 * within seconds. kube-proxy's default (and the agent's) is 30 s; a check costs CPU in
 * proportion to the rule count, so benchmarks of idle cost pass the default instead.
 */
export const DEFAULT_IPTABLES_SYNC_PERIOD = '2s';

/** The control plane's cluster CIDR (control-plane-process.ts); pod CIDRs come from it. */
const CLUSTER_CIDR = '10.42.0.0/16';

/** The node's identity: a bootstrap token and CA hash (a joined Pi), or the certificate files issued for it. */
function credentialArgs(node: NodeState): string[] {
  if (node.join) return ['--server', node.join.server, '--token', node.join.token, '--ca-cert-hash', node.join.caCertHash];
  const pki = nodePkiDir(node);
  return ['--ca', path.join(pki, 'ca.crt'), '--cert', path.join(pki, 'node.crt'), '--key', path.join(pki, 'node.key')];
}

/** nsenter's arguments that run the node's agent in its namespace. */
export function agentArgs(node: NodeState, opts: AgentOptions): string[] {
  return [
    `--net=${netnsPath(node.netns)}`, process.execPath, ...(opts.nodeFlags ?? []), opts.agentJs,
    '--node-name', node.name, '--servers', opts.servers.join(','),
    ...credentialArgs(node),
    '--docker-host', `unix://${node.dockerSocket}`, '--node-ip', node.ip, '--cgroup-root', node.cgroupRoot,
    '--state-dir', path.join(node.dir, 'agent'), '--pause-image', PAUSE_IMAGE,
    '--cluster-cidr', CLUSTER_CIDR,
    // No traffic leaves the simulation: cluster DNS forwards nowhere.
    '--resolv-conf', '', '--iptables-sync-period', opts.iptablesSyncPeriod ?? DEFAULT_IPTABLES_SYNC_PERIOD,
    ...(opts.sandboxNetwork ? ['--sandbox-network', opts.sandboxNetwork] : []),
    // Simulated nodes share this machine's disk, which they do not fill: no disk-pressure
    // evictions because of what the host keeps there (kind does the same with 0%).
    '--eviction-hard', 'memory.available<100Mi,nodefs.available<0%,imagefs.available<0%',
  ];
}

/** Starts the agent inside the node's namespace (nsenter execs node: the pid is the agent's). */
export function startAgent(node: NodeState, opts: AgentOptions): void {
  node.agent = processRef(spawnDaemon('nsenter', agentArgs(node, opts), nodeLogFile(opts.logDir, node, 'agent')));
}

/** Stops the agent: SIGTERM (graceful, then SIGKILL) or SIGKILL at once, as a crash would. */
export async function stopAgent(node: NodeState, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  if (signal === 'SIGKILL') signalRef(node.agent, 'SIGKILL');
  await stopRef(node.agent, 5_000);
  node.agent = undefined;
}

/** Stops dockerd gracefully: it stops the node's containers first. */
export async function stopDockerd(node: NodeState): Promise<void> {
  await stopRef(node.dockerd, 30_000);
  node.dockerd = undefined;
}

function nodeCgroup(node: NodeState): string {
  return cgroupDirName(node.cgroupRoot, node.cgroupDriver);
}

function nodeProcesses(node: NodeState): ProcessRef[] {
  return [...processesInNetns(node.netns), ...processesInCgroup(nodeCgroup(node))];
}

/** Kills the node's containers outright (teardown: waiting for each one's graceful stop would only slow it). */
export async function killContainers(node: NodeState): Promise<void> {
  await killAll(processesInCgroup(nodeCgroup(node)));
}

/** Ends whatever still runs in the node's namespace or cgroups (shims, containers, a lost daemon). */
export async function sweepNodeProcesses(node: NodeState): Promise<void> {
  await stopAll(nodeProcesses(node));
}

/** Cuts the node's power: every process of the node dies at once, the agent and dockerd first. */
export async function powerOff(node: NodeState): Promise<void> {
  const tasks = taskIds(node);
  const daemons = [node.agent, node.dockerd].filter((r): r is ProcessRef => r !== undefined);
  await killAll(daemons);
  const rest = nodeProcesses(node);
  await killAll(rest);
  // A node that powers on again must not find its old processes still unreaped.
  await awaitReaped([...daemons, ...rest]);
  removeShimSockets(node, tasks);
  node.agent = undefined;
  node.dockerd = undefined;
}

/**
 * Removes what the node left outside its directories: its namespace (and with it its LAN
 * cable), mounts under its directories, its empty cgroups. Returns what could not be removed.
 */
export async function removeNodeTraces(node: NodeState): Promise<string[]> {
  removeShimSockets(node, taskIds(node));
  await deleteNetns(node.netns);
  const mounts = [...(await unmountUnder(node.runDir)), ...(await unmountUnder(node.dir))];
  const cgroups = await removeCgroup(nodeCgroup(node));
  return [...mounts.map((m) => `mount ${m}`), ...cgroups.map((c) => `cgroup ${c}`)];
}
