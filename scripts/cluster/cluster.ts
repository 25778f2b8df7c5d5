/**
 * A simulated pikube cluster on one machine: etcd and the control plane on the machine,
 * every node a network namespace with its own dockerd and agent, all on a simulated LAN
 * (see lan.ts). Everything the cluster creates is recorded in its state file before or as
 * it is created, so that `downCluster` (or the leftover sweep, when the owner died) removes
 * all of it. Node primitives (power off/on, cable cut, agent crash) serve failover tests.
 */
import { sandboxNetworkFromEnv } from './sandbox-network';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startEtcd } from './etcd-server';
import { freeLoopbackPort } from './free-port';
import { attachHost, createLan, deleteLan, lanLayout, setNodeInterface } from './lan';
import { claimLanSubnet, releaseLanSubnet } from './lan-subnet';
import { newClusterId, checkNodeName } from './cluster-names';
import { currentBootId, processRef, signalRef, stopRef } from './process-ref';
import { processesInNetns, processesWithFlag, stopAll } from './process-search';
import { mountsUnder, unmountUnder } from './mounts';
import { readyNodes } from './kubectl';
import { untilWhileAlive } from './wait-alive';
import { forgetState, registryDirOf, saveState, type ClusterState, type NodeState } from './cluster-state';
import { createJoinFlags, issueNodeCert, startControlPlane, waitControlPlaneReady, writeKubeconfig } from './control-plane-process';
import { dockerCgroupDriverFromEnv } from './docker-cgroup-driver';
import type { NodeFlags } from './unit-node-flags';
import {
  etcdEndpointsOf, HA_API_PORT, HA_NODE_PORT, membersLayout, nodeServersOf, shareClusterCa, startControlPlaneMember, startEtcdMember,
  stopControlPlaneMember, stopEtcdMember, waitEtcdHealthy,
} from './ha-members';
import {
  killContainers, loadImages, nodeLayout, nodeLogFile, nodePkiDir, plugNode, powerOff, removeNodeTraces, setNodeCable,
  startAgent as startNodeAgent, startDockerd, stopAgent, stopDockerd, sweepNodeProcesses, type AgentOptions,
} from './cluster-node';

export interface ClusterParts {
  /** etcd on loopback (default true). */
  etcd?: boolean;
  /** The control plane and the admin kubeconfig; needs etcd (default true). */
  controlPlane?: boolean;
  /** An agent per node, and the wait until every node is Ready; needs the control plane (default true). */
  agents?: boolean;
}

export interface ClusterOptions {
  /** Holds cluster.json, kubeconfig, logs/ and data/. Created if missing. */
  baseDir: string;
  /** Node names, default pi1 and pi2. */
  nodes?: string[];
  /** Remove baseDir entirely on teardown (tests); otherwise logs/ stays. */
  removeBaseDir?: boolean;
  parts?: ClusterParts;
  securePort?: number;
  nodePort?: number;
  /** Where the built entry points live (default: the dist/ this file was built into). */
  distDir?: string;
  readyTimeoutMs?: number;
  /**
   * The agents' `--iptables-sync-period` (how often each checks its rules for drift), e.g.
   * "30s", kube-proxy's default. Default 2s (cluster-node.ts), so that tests see drift repaired quickly.
   */
  iptablesSyncPeriod?: string;
  /** The agents' `--sandbox-network` (agent/network/veth-sandboxes.ts); default: PIKUBE_SANDBOX_NETWORK, else the agent's own (veth). */
  sandboxNetwork?: 'docker' | 'veth';
  /**
   * HA (`npm start -- --nodes 3 --ha`): every node runs an etcd member (one 3-member etcd
   * cluster) and a control-plane replica besides its agent (ha-members.ts); the agents know
   * every replica. Needs an odd number of nodes, at least 3.
   */
  ha?: boolean;
  /**
   * Node's own flags for the control plane and the agents, e.g. `shippedNodeFlags()`: the
   * systemd units' heap sizes, so that a benchmark measures what ships (not with `ha`).
   * Absent: Node's defaults.
   */
  nodeFlags?: NodeFlags;
  /** Flags added to the (single) control plane's, e.g. a shorter `--node-monitor-grace-period` (not with `ha`). */
  controlPlaneArgs?: string[];
  log?: (line: string) => void;
  /** Called once the cluster is registered, before anything is created (e.g. to tear it down on Ctrl-C). */
  onRegistered?: (state: ClusterState) => void;
}

export type Cluster = ClusterState;

const DEFAULT_DIST = path.resolve(__dirname, '..', '..');

function layout(opts: ClusterOptions, id: string, subnet: string): ClusterState {
  const baseDir = path.resolve(opts.baseDir);
  const dataDir = path.join(baseDir, 'data');
  const registryDir = registryDirOf(id);
  const dist = opts.distDir ?? DEFAULT_DIST;
  const names = (opts.nodes ?? ['pi1', 'pi2']).map(checkNodeName);
  if (opts.ha && (names.length < 3 || names.length % 2 === 0)) throw new Error(`--ha needs an odd number of nodes, at least 3 (etcd's quorum); got ${names.length}`);
  if (opts.ha && opts.controlPlaneArgs?.length) throw new Error('controlPlaneArgs: for a cluster with one control plane on the machine only');
  if (opts.ha && opts.nodeFlags) throw new Error('nodeFlags: for a cluster with one control plane on the machine only');
  const nodes = names.map((name, i) => nodeLayout({ clusterId: id, subnet, dataDir, registryDir, name, index: i + 1, cgroupDriver: dockerCgroupDriverFromEnv() }));
  if (opts.ha) for (const node of nodes) node.members = membersLayout(node, dataDir);
  return {
    version: 1, id, owner: { kind: 'process', process: processRef(process.pid) },
    baseDir, stateFile: path.join(baseDir, 'cluster.json'), registryDir, logDir: path.join(baseDir, 'logs'), dataDir,
    kubeconfig: path.join(baseDir, 'kubeconfig'), removeBaseDir: opts.removeBaseDir ?? false,
    controlPlaneJs: path.join(dist, 'control-plane', 'main.js'), agentJs: path.join(dist, 'agent', 'main.js'),
    iptablesSyncPeriod: opts.iptablesSyncPeriod, sandboxNetwork: opts.sandboxNetwork ?? sandboxNetworkFromEnv(), nodeFlags: opts.nodeFlags,
    lan: lanLayout(id, subnet), ha: opts.ha === true ? true : undefined,
    nodes,
  };
}

/** Registers the cluster (id, LAN subnet, every name and path) before creating anything. */
async function register(opts: ClusterOptions): Promise<ClusterState> {
  const id = newClusterId();
  mkdirSync(registryDirOf(id), { recursive: true });
  const state = layout(opts, id, await claimLanSubnet(id));
  saveState(state);
  return state;
}

function partsOf(opts: ClusterOptions): Required<ClusterParts> {
  const etcd = opts.parts?.etcd ?? true;
  const controlPlane = etcd && (opts.parts?.controlPlane ?? true);
  return { etcd, controlPlane, agents: controlPlane && (opts.parts?.agents ?? true) };
}

/** Brings a cluster up; on failure, removes whatever part of it was made and rethrows. */
export async function upCluster(opts: ClusterOptions): Promise<Cluster> {
  const state = await register(opts);
  opts.onRegistered?.(state);
  try {
    await bringUp(state, partsOf(opts), opts);
    return state;
  } catch (err) {
    await downCluster(state).catch((e: unknown) => opts.log?.(`teardown after failed start: ${String(e)}`));
    throw err;
  }
}

async function bringUp(state: ClusterState, parts: Required<ClusterParts>, opts: ClusterOptions): Promise<void> {
  const log = opts.log ?? (() => undefined);
  rmSync(state.logDir, { recursive: true, force: true }); // a previous cluster's, in the same base dir
  mkdirSync(state.logDir, { recursive: true });
  mkdirSync(state.dataDir, { recursive: true });
  log(`LAN ${state.lan.subnet}.0/24 (this machine: ${state.lan.hostIp} on ${state.lan.hostInterface})`);
  await createLan(state.lan);
  await attachHost(state.lan);
  if (state.ha) await bringUpMembers(state, log);
  if (!state.ha && parts.etcd) await bringUpEtcd(state, log);
  if (!state.ha && parts.controlPlane) await bringUpControlPlane(state, opts, log);
  await Promise.all(state.nodes.map((node) => bringUpNode(state, node, parts, log)));
  if (parts.agents) await waitNodesReady(state, opts.readyTimeoutMs ?? 120_000);
}

async function bringUpEtcd(state: ClusterState, log: (l: string) => void): Promise<void> {
  const [clientPort, peerPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const dataDir = path.join(state.dataDir, 'etcd');
  state.etcd = { endpoint: `http://127.0.0.1:${clientPort}`, clientPort, peerPort, dataDir };
  saveState(state);
  log(`etcd on ${state.etcd.endpoint}`);
  const etcd = await startEtcd({ dataDir, clientPort, peerPort, logFile: path.join(state.logDir, 'etcd.log') });
  state.etcd.process = processRef(etcd.pid);
  saveState(state);
}

/** HA: every node plugged in, its etcd member, then the first replica (which makes the CA), then the others with that CA. */
async function bringUpMembers(state: ClusterState, log: (l: string) => void): Promise<void> {
  for (const node of state.nodes) await plugNode(state.lan, node);
  for (const node of state.nodes) startEtcdMember(node, state.nodes, state.logDir);
  saveState(state);
  log(`etcd members on ${etcdEndpointsOf(state.nodes).join(', ')}`);
  await Promise.all(state.nodes.map((node) => waitEtcdHealthy(node)));
  const [first, ...others] = state.nodes;
  const start = async (node: NodeState): Promise<void> => {
    const started = startControlPlaneMember(node, { mainJs: state.controlPlaneJs, logDir: state.logDir });
    saveState(state);
    await started;
  };
  await start(first);
  for (const node of others) shareClusterCa(first, node);
  await Promise.all(others.map(start));
  const dataDir = first.members?.controlPlaneDataDir ?? '';
  const apiUrl = first.members?.apiUrl ?? '';
  state.controlPlane = { dataDir, securePort: HA_API_PORT, nodePort: HA_NODE_PORT, apiUrl };
  saveState(state);
  log(`control planes on ${state.nodes.map((n) => n.members?.apiUrl).join(', ')}; kubeconfig names ${apiUrl}`);
  await writeKubeconfig(state.controlPlaneJs, dataDir, apiUrl, state.kubeconfig);
}

async function bringUpControlPlane(state: ClusterState, opts: ClusterOptions, log: (l: string) => void): Promise<void> {
  const [securePort, nodePort] = [opts.securePort ?? 6443, opts.nodePort ?? 6444];
  const apiUrl = `https://${state.lan.hostIp}:${securePort}`;
  const dataDir = path.join(state.dataDir, 'control-plane');
  const logFile = path.join(state.logDir, 'control-plane.log');
  state.controlPlane = { dataDir, securePort, nodePort, apiUrl, extraArgs: opts.controlPlaneArgs };
  log(`control plane on ${apiUrl}`);
  state.controlPlane.process = startControlPlane({
    mainJs: state.controlPlaneJs, dataDir, etcdEndpoint: state.etcd?.endpoint ?? '', address: state.lan.hostIp, securePort, nodePort, logFile,
    extraArgs: opts.controlPlaneArgs, nodeFlags: state.nodeFlags?.controlPlane,
  });
  saveState(state);
  await waitControlPlaneReady(apiUrl, state.controlPlane.process, logFile);
  await writeKubeconfig(state.controlPlaneJs, dataDir, apiUrl, state.kubeconfig);
}

async function bringUpNode(state: ClusterState, node: NodeState, parts: Required<ClusterParts> & { joinWithToken?: boolean }, log: (l: string) => void): Promise<void> {
  log(`node ${node.name}: ${node.ip}, docker bridge ${node.bip}`);
  if (!state.ha) await plugNode(state.lan, node);
  mkdirSync(node.dir, { recursive: true });
  await startDockerd(node, state.logDir);
  saveState(state);
  await loadImages(node);
  if (parts.controlPlane && !parts.joinWithToken) await issueNodeCert(state.controlPlaneJs, state.controlPlane?.dataDir ?? '', node.name, nodePkiDir(node));
  if (parts.joinWithToken) node.join = await createJoinFlags(state.controlPlaneJs, state.kubeconfig);
  if (parts.agents) startAgent(state, node.name);
}

/**
 * Joins one more simulated Pi to a running cluster (`npm run pi -- add pi3`): plugged in,
 * dockerd, images, then its agent joins as a real Pi does, with a bootstrap token and the CA
 * hash (`pikube-server token create --print-join-command`), and turns Ready.
 */
export async function addNode(state: ClusterState, name: string, log: (l: string) => void = () => undefined): Promise<NodeState> {
  checkNodeName(name);
  if (state.nodes.some((n) => n.name === name)) throw new Error(`node ${name} is already in cluster ${state.id}`);
  const index = Math.max(0, ...state.nodes.map((n) => n.index)) + 1;
  const node = nodeLayout({ clusterId: state.id, subnet: state.lan.subnet, dataDir: state.dataDir, registryDir: state.registryDir, name, index, cgroupDriver: dockerCgroupDriverFromEnv() });
  state.nodes.push(node);
  saveState(state);
  if (state.ha) await plugNode(state.lan, node); // a node added to an HA cluster runs an agent only
  const running = state.controlPlane !== undefined;
  await bringUpNode(state, node, { etcd: true, controlPlane: running, agents: running, joinWithToken: running }, log);
  if (state.controlPlane) await waitNodesReady(state, 120_000, [name]);
  return node;
}

function nodeOf(state: ClusterState, name: string): NodeState {
  const node = state.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name} in cluster ${state.id}`);
  return node;
}

/** Waits until the API reports every node Ready (fails at once if an agent or the control plane exits). */
export async function waitNodesReady(state: ClusterState, timeoutMs = 120_000, names = state.nodes.map((n) => n.name)): Promise<void> {
  let observed = 'nothing yet';
  const controlPlanes = state.ha
    ? state.nodes.filter((n) => n.members?.controlPlane).map((n) => ({ name: `control plane ${n.name}`, ref: n.members?.controlPlane, logFile: path.join(state.logDir, `${n.name}-control-plane.log`) }))
    : [{ name: 'control plane', ref: state.controlPlane?.process, logFile: path.join(state.logDir, 'control-plane.log') }];
  const watched = [
    ...controlPlanes,
    ...state.nodes.filter((n) => names.includes(n.name)).map((n) => ({ name: `agent ${n.name}`, ref: n.agent, logFile: nodeLogFile(state.logDir, n, 'agent') })),
  ];
  const probe = async (): Promise<boolean> => {
    const ready = await readyNodes(state.kubeconfig).catch((err: unknown) => String(err));
    observed = typeof ready === 'string' ? ready : `Ready: [${ready.join(', ')}]`;
    return typeof ready !== 'string' && names.every((n) => ready.includes(n));
  };
  await untilWhileAlive(watched, probe, { timeoutMs, describe: () => `waiting for nodes [${names.join(', ')}] to be Ready; last seen: ${observed}` });
}

/** Hands the cluster over to its state file: it keeps running after this process exits. */
export function detachCluster(state: ClusterState): void {
  state.owner = { kind: 'detached', bootId: currentBootId() };
  saveState(state);
}

/** What every agent of the cluster runs with: read from the state, so a restarted agent runs as it first did. */
export function agentOptionsOf(state: ClusterState): AgentOptions {
  const servers = state.ha ? nodeServersOf(state.nodes) : [`${state.lan.hostIp}:${state.controlPlane?.nodePort ?? 6444}`];
  return { agentJs: state.agentJs, servers, logDir: state.logDir, iptablesSyncPeriod: state.iptablesSyncPeriod, sandboxNetwork: state.sandboxNetwork, nodeFlags: state.nodeFlags?.agent };
}

/** Starts (or restarts after a crash) the node's agent. */
export function startAgent(state: ClusterState, name: string): void {
  startNodeAgent(nodeOf(state, name), agentOptionsOf(state));
  saveState(state);
}

/** Stops the node's agent; SIGKILL simulates a crash (its containers must keep running). */
export async function stopAgentOf(state: ClusterState, name: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  await stopAgent(nodeOf(state, name), signal);
  saveState(state);
}

/** Cuts the node's power: agent, dockerd and containers die at once. */
export async function stopNode(state: ClusterState, name: string): Promise<void> {
  const node = nodeOf(state, name);
  await setNodeInterface(node, false); // no link first: a power cut sends no FIN from the dying agent
  await powerOff(node); // its etcd member and control plane (HA) die with everything in its namespace
  if (node.members) [node.members.etcd, node.members.controlPlane] = [undefined, undefined];
  saveState(state);
}

/** Powers the node back on: dockerd, then the agent (if the cluster has agents). */
export async function startNode(state: ClusterState, name: string): Promise<void> {
  const node = nodeOf(state, name);
  await setNodeInterface(node, true);
  if (node.members) await startMembersAgain(state, node);
  await startDockerd(node, state.logDir);
  saveState(state);
  if (state.controlPlane) startAgent(state, name);
}

/** HA: a Pi that boots again starts its etcd member (it rejoins with its data) and its control plane. */
async function startMembersAgain(state: ClusterState, node: NodeState): Promise<void> {
  startEtcdMember(node, state.nodes, state.logDir);
  saveState(state);
  await waitEtcdHealthy(node);
  const started = startControlPlaneMember(node, { mainJs: state.controlPlaneJs, logDir: state.logDir });
  saveState(state);
  await started;
}

/** Stops the control plane (a master Pi going away): agents keep their pods, rules and DNS. SIGKILL: a crash. */
export async function stopControlPlane(state: ClusterState, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  if (signal === 'SIGKILL') signalRef(state.controlPlane?.process, 'SIGKILL');
  await stopRef(state.controlPlane?.process);
  if (state.controlPlane) state.controlPlane.process = undefined;
  saveState(state);
}

/** Starts the (single) control plane again on its data dir and ports, and waits until it is ready. */
export async function restartControlPlane(state: ClusterState): Promise<void> {
  const cp = state.controlPlane;
  if (!cp || state.ha) throw new Error('restartControlPlane: a cluster with one control plane on the machine only');
  const logFile = path.join(state.logDir, 'control-plane.log');
  cp.process = startControlPlane({
    mainJs: state.controlPlaneJs, dataDir: cp.dataDir, etcdEndpoint: state.etcd?.endpoint ?? '', address: state.lan.hostIp,
    securePort: cp.securePort, nodePort: cp.nodePort, logFile, extraArgs: cp.extraArgs, nodeFlags: state.nodeFlags?.controlPlane,
  });
  saveState(state);
  await waitControlPlaneReady(cp.apiUrl, cp.process, logFile);
}

/** Stops the (single) etcd: the control plane stays up and answers 503. */
export async function stopClusterEtcd(state: ClusterState): Promise<void> {
  await stopRef(state.etcd?.process);
  if (state.etcd) state.etcd.process = undefined;
  saveState(state);
}

/** Starts the (single) etcd again on its data dir and ports. */
export async function startClusterEtcd(state: ClusterState): Promise<void> {
  const e = state.etcd;
  if (!e) throw new Error('startClusterEtcd: the cluster has no etcd on the machine');
  const etcd = await startEtcd({ dataDir: e.dataDir, clientPort: e.clientPort, peerPort: e.peerPort, logFile: path.join(state.logDir, 'etcd.log') });
  e.process = processRef(etcd.pid);
  saveState(state);
}

/** HA: SIGKILLs or stops one node's control-plane replica (its etcd member and agent keep running). */
export async function stopControlPlaneOf(state: ClusterState, name: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  await stopControlPlaneMember(nodeOf(state, name), signal);
  saveState(state);
}

/** Pulls the node's LAN cable: everything keeps running, but the node reaches nothing. */
export function cutNode(state: ClusterState, name: string): Promise<void> {
  return setNodeCable(state.lan, nodeOf(state, name), false);
}

export function reconnectNode(state: ClusterState, name: string): Promise<void> {
  return setNodeCable(state.lan, nodeOf(state, name), true);
}

/**
 * Removes the cluster completely, whatever state it is in: agents, containers (killed: they
 * are going anyway), dockerds, control plane, etcd, then anything still running in its namespaces, cgroups or
 * with its data dirs, then the namespaces, the machine's LAN interface, mounts, empty cgroups,
 * directories, the subnet claim and the state. Idempotent. Throws, listing what it could not
 * remove, after doing all it can; the state is then kept so that a later sweep retries.
 */
export async function downCluster(state: ClusterState): Promise<void> {
  const problems: string[] = [];
  const step = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  await step('agents', () => Promise.all(state.nodes.map((n) => stopAgent(n))));
  await step('containers', () => Promise.all(state.nodes.map(killContainers)));
  await step('dockerds', () => Promise.all(state.nodes.map((n) => stopDockerd(n))));
  await step('control plane', () => stopRef(state.controlPlane?.process));
  await step('control-plane replicas', () => Promise.all(state.nodes.filter((n) => n.members).map((n) => stopControlPlaneMember(n))));
  await step('etcd', () => stopRef(state.etcd?.process));
  await step('etcd members', () => Promise.all(state.nodes.filter((n) => n.members).map((n) => stopEtcdMember(n))));
  await step('remaining processes', () => sweepProcesses(state));
  for (const node of state.nodes) await step(`node ${node.name}`, async () => problems.push(...(await removeNodeTraces(node))));
  await step('LAN', () => deleteLan(state.lan));
  await step('directories', async () => problems.push(...(await removeDirectories(state))));
  if (problems.length > 0) throw new Error(`teardown of cluster ${state.id} left:\n  ${problems.join('\n  ')}`);
  releaseLanSubnet(state.lan.subnet, state.id);
  forgetState(state);
}

async function sweepProcesses(state: ClusterState): Promise<void> {
  await Promise.all(state.nodes.map(sweepNodeProcesses));
  const members = state.nodes.flatMap((n) => (n.members ? [n.members.etcdDataDir, n.members.controlPlaneDataDir] : []));
  const byDataDir = [state.etcd?.dataDir, state.controlPlane?.dataDir, ...members].filter((d): d is string => d !== undefined);
  await stopAll([...processesInNetns(state.lan.netns), ...byDataDir.flatMap((d) => processesWithFlag('--data-dir', d))]);
}

/** A directory recorded in a state file is removed only if it lies inside the cluster's own base dir. */
function inside(dir: string, base: string): boolean {
  const rel = path.relative(base, dir);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function removeDirectories(state: ClusterState): Promise<string[]> {
  const base = path.resolve(state.baseDir);
  if (base.split(path.sep).filter(Boolean).length < 2) return [`refusing to remove anything under ${base}`];
  const targets = state.removeBaseDir ? [base] : [state.dataDir, state.kubeconfig].filter((d) => inside(d, base));
  const left = [...(await unmountUnder(state.registryDir)), ...(await unmountUnder(base))];
  if (left.length > 0) return left.map((m) => `mount ${m}`);
  for (const target of targets) rmSync(target, { recursive: true, force: true });
  return mountsUnder(base).map((m) => `mount ${m}`);
}
