/**
 * The state file of a simulated cluster: everything its teardown needs (namespaces, interface
 * names, processes, directories, ports). It is written to the cluster's own directory
 * (`.pikube/cluster.json` for `npm start`, a temp dir for tests) and copied into the
 * registry under REGISTRY_DIR, where the leftover sweep finds the clusters of every checkout.
 * The registry sits on /run, a tmpfs: it goes with a reboot, as namespaces and processes do.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentBootId, refAlive, type ProcessRef } from './process-ref';
import type { DockerCgroupDriver } from './docker-cgroup-driver';
import type { NodeFlags } from './unit-node-flags';

export const REGISTRY_DIR = '/run/pikube-sim';

/**
 * Who keeps the cluster: a process (a test run, or `npm start` while it brings the cluster
 * up), or nobody in particular (`npm start` once done): then the cluster lives as long as
 * its state file does, until `npm stop`.
 */
export type ClusterOwner =
  | { kind: 'process'; process: ProcessRef }
  | { kind: 'detached'; bootId: string };

export interface LanState {
  netns: string;
  bridge: string;
  /** First three octets of the LAN's /24, e.g. "10.210.1": the machine is .1, nodes .11, .12, … */
  subnet: string;
  hostInterface: string;
  hostIp: string;
}

export interface EtcdState {
  process?: ProcessRef;
  endpoint: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
}

export interface ControlPlaneState {
  process?: ProcessRef;
  dataDir: string;
  securePort: number;
  nodePort: number;
  apiUrl: string;
  /** Flags added to the control plane's defaults (ClusterOptions.controlPlaneArgs), kept for its restart. */
  extraArgs?: string[];
}

export interface NodeState {
  name: string;
  /** 1-based: the node's LAN address is <subnet>.<10 + index>. */
  index: number;
  netns: string;
  ip: string;
  switchPort: string;
  /** Docker default bridge address with prefix, e.g. 172.29.1.1/24: outside the cluster CIDR (pods use the pikube network). */
  bip: string;
  /** Cgroup parent of the node's containers, e.g. /pikube-<id>-pi1 (the slice pikube_<id>_pi1.slice under systemd). */
  cgroupRoot: string;
  /** Docker's cgroup driver on the node; absent (older state files): cgroupfs. */
  cgroupDriver?: DockerCgroupDriver;
  /** Docker data root, agent state, certificates. */
  dir: string;
  /** Short paths for sockets: Docker's socket and exec root. */
  runDir: string;
  dockerSocket: string;
  dockerd?: ProcessRef;
  agent?: ProcessRef;
  /** HA clusters (`--ha`): the etcd member and the control plane this Pi runs (ha-members.ts). */
  members?: NodeMembers;
  /**
   * Set for a Pi that joined with a bootstrap token (`pi add`): its agent starts with these
   * flags instead of certificate files, and keeps the certificate it obtained in its state dir.
   */
  join?: JoinFlags;
}

/** What `pikube-server token create --print-join-command` prints, as the agent's flags. */
export interface JoinFlags {
  server: string;
  token: string;
  caCertHash: string;
}

/** What an HA node runs besides dockerd and the agent, all in its namespace on its LAN address. */
export interface NodeMembers {
  etcdDataDir: string;
  /** `http://<node ip>:2379`. */
  etcdEndpoint: string;
  etcd?: ProcessRef;
  controlPlaneDataDir: string;
  /** `https://<node ip>:6443`. */
  apiUrl: string;
  controlPlane?: ProcessRef;
}

export interface ClusterState {
  version: 1;
  id: string;
  owner: ClusterOwner;
  /** `cluster.json`, `kubeconfig`, `logs/`, `data/` live here. */
  baseDir: string;
  stateFile: string;
  registryDir: string;
  logDir: string;
  dataDir: string;
  kubeconfig: string;
  /** Tests remove their whole temp dir; `npm stop` keeps `.pikube/logs/`. */
  removeBaseDir: boolean;
  /** The built entry points the cluster runs. */
  controlPlaneJs: string;
  agentJs: string;
  /**
   * The agents' `--iptables-sync-period`, kept so that an agent restarted later runs as the
   * others do; absent: the simulation's default (cluster-node.ts).
   */
  iptablesSyncPeriod?: string;
  /** The agents' `--sandbox-network`, when not the agent's default. */
  sandboxNetwork?: 'docker' | 'veth';
  /** Node's flags for the control plane and the agents (ClusterOptions.nodeFlags), kept for their restarts; absent: none. */
  nodeFlags?: NodeFlags;
  lan: LanState;
  /** HA (`--ha`): every node runs an etcd member and a control-plane replica (NodeState.members); `etcd` is then absent. */
  ha?: boolean;
  etcd?: EtcdState;
  controlPlane?: ControlPlaneState;
  nodes: NodeState[];
}

export function registryDirOf(id: string): string {
  return path.join(REGISTRY_DIR, id);
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Persists the state to its own file and to the registry. Call after every change. */
export function saveState(state: ClusterState): void {
  const text = JSON.stringify(state, null, 2) + '\n';
  writeAtomically(state.stateFile, text);
  writeAtomically(path.join(state.registryDir, 'cluster.json'), text);
}

export function readState(file: string): ClusterState | undefined {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
    return state.version === 1 && typeof state.id === 'string' ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the state file (when it still names this cluster) and the registry entry. */
export function forgetState(state: ClusterState): void {
  if (readState(state.stateFile)?.id === state.id) rmSync(state.stateFile, { force: true });
  rmSync(state.registryDir, { recursive: true, force: true });
}

export interface RegistryEntry {
  id: string;
  dir: string;
  state?: ClusterState;
}

/** Every cluster registered on this machine, including half-written entries (no state yet). */
export function listRegistry(): RegistryEntry[] {
  if (!existsSync(REGISTRY_DIR)) return [];
  return readdirSync(REGISTRY_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[a-z0-9]{6}$/.test(e.name))
    .map((e) => {
      const dir = path.join(REGISTRY_DIR, e.name);
      return { id: e.name, dir, state: readState(path.join(dir, 'cluster.json')) };
    });
}

/**
 * Whether the cluster still has a keeper: its owner process runs, or (detached) its state
 * file still names it in this boot. A cluster without one is a leftover.
 */
export function ownerAlive(state: ClusterState): boolean {
  if (state.owner.kind === 'process') return refAlive(state.owner.process);
  return state.owner.bootId === currentBootId() && readState(state.stateFile)?.id === state.id;
}
