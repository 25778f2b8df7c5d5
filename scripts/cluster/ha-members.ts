/**
 * `npm start -- --nodes 3 --ha`: every simulated Pi also runs an etcd member and a control-plane
 * replica, in its own namespace on its LAN address, as a real HA install puts them on the Pis.
 * The etcd members form one cluster (peer URLs on the simulated LAN); every replica talks to
 * all members; the replicas share the cluster CA (copied from the first before the others
 * start, as `kubeadm join --control-plane` copies it) and each makes its own serving
 * certificate for its address. Powering a node off (cluster-node.ts) ends its members with
 * everything else in its namespace.
 */
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startControlPlane, waitControlPlaneReady } from './control-plane-process';
import { netnsPath } from './netns';
import { processRef, signalRef, stopRef } from './process-ref';
import { spawnDaemon } from './run-command';
import { until } from './wait-until';
import type { NodeMembers, NodeState } from './cluster-state';

export const HA_API_PORT = 6443;
export const HA_NODE_PORT = 6444;
const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;

export function membersLayout(node: NodeState, dataDir: string): NodeMembers {
  return {
    etcdDataDir: path.join(dataDir, `${node.name}-etcd`), etcdEndpoint: `http://${node.ip}:${ETCD_CLIENT_PORT}`,
    controlPlaneDataDir: path.join(dataDir, `${node.name}-control-plane`), apiUrl: `https://${node.ip}:${HA_API_PORT}`,
  };
}

/** Every member's client URL: what each control plane is given. */
export function etcdEndpointsOf(nodes: readonly NodeState[]): string[] {
  return nodes.flatMap((n) => (n.members ? [n.members.etcdEndpoint] : []));
}

/** host:port of every replica's node service: what each agent is configured with. */
export function nodeServersOf(nodes: readonly NodeState[]): string[] {
  return nodes.filter((n) => n.members).map((n) => `${n.ip}:${HA_NODE_PORT}`);
}

function requireMembers(node: NodeState): NodeMembers {
  if (!node.members) throw new Error(`node ${node.name} runs no control-plane members`);
  return node.members;
}

function logFile(logDir: string, node: NodeState, component: string): string {
  return path.join(logDir, `${node.name}-${component}.log`);
}

/**
 * Starts the node's etcd member; returns at once (a new cluster is healthy only once a quorum
 * of members runs: see waitEtcdHealthy). A member with data already ignores the initial flags.
 */
export function startEtcdMember(node: NodeState, all: readonly NodeState[], logDir: string): void {
  const m = requireMembers(node);
  mkdirSync(m.etcdDataDir, { recursive: true });
  const peer = (n: NodeState): string => `http://${n.ip}:${ETCD_PEER_PORT}`;
  const initial = all.filter((n) => n.members).map((n) => `${n.name}=${peer(n)}`).join(',');
  const args = [
    `--net=${netnsPath(node.netns)}`, 'etcd', '--name', node.name, '--data-dir', m.etcdDataDir,
    '--listen-client-urls', m.etcdEndpoint, '--advertise-client-urls', m.etcdEndpoint,
    '--listen-peer-urls', peer(node), '--initial-advertise-peer-urls', peer(node),
    '--initial-cluster', initial, '--initial-cluster-state', 'new', '--initial-cluster-token', `pikube-${all[0]?.netns ?? ''}`, // one token per cluster (its first node's namespace names it)
    '--auto-compaction-mode', 'periodic', '--auto-compaction-retention', '1h',
  ];
  m.etcd = processRef(spawnDaemon('nsenter', args, logFile(logDir, node, 'etcd')));
}

async function etcdHealthy(endpoint: string): Promise<boolean> {
  const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  return res !== undefined && res.ok && ((await res.json()) as { health?: string }).health === 'true';
}

export async function waitEtcdHealthy(node: NodeState, timeoutMs = 30_000): Promise<void> {
  const m = requireMembers(node);
  await until(() => etcdHealthy(m.etcdEndpoint), { timeoutMs, describe: () => `etcd member of ${node.name} at ${m.etcdEndpoint} not healthy` });
}

/**
 * The replicas share one cluster CA and one service-account signing key (`sa.key`, so a token
 * one replica signs is accepted by every replica): `from`'s are copied into `to` before `to`
 * first starts.
 */
export function shareClusterCa(from: NodeState, to: NodeState): void {
  const [src, dst] = [path.join(requireMembers(from).controlPlaneDataDir, 'pki'), path.join(requireMembers(to).controlPlaneDataDir, 'pki')];
  mkdirSync(dst, { recursive: true });
  for (const file of ['ca.crt', 'ca.key', 'sa.key']) copyFileSync(path.join(src, file), path.join(dst, file));
  chmodSync(path.join(dst, 'sa.key'), 0o600);
}

/**
 * Starts the node's control-plane replica in its namespace and waits until it is ready. It
 * talks to its own Pi's etcd member only, as kubeadm's stacked etcd and k3s's embedded etcd
 * do (the member replicates; the two live and die together): given every member, a replica's
 * calls that picked a powered-off Pi's member hung there until their deadline, and the
 * surviving replicas served nothing for tens of seconds.
 */
export async function startControlPlaneMember(node: NodeState, opts: { mainJs: string; logDir: string }): Promise<void> {
  const m = requireMembers(node);
  const file = logFile(opts.logDir, node, 'control-plane');
  m.controlPlane = startControlPlane({
    mainJs: opts.mainJs, dataDir: m.controlPlaneDataDir, etcdEndpoint: m.etcdEndpoint, address: node.ip,
    securePort: HA_API_PORT, nodePort: HA_NODE_PORT, logFile: file, netns: netnsPath(node.netns),
  });
  await waitControlPlaneReady(m.apiUrl, m.controlPlane, file);
}

/** SIGKILL (a crash) or SIGTERM the node's control plane. */
export async function stopControlPlaneMember(node: NodeState, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  const m = requireMembers(node);
  if (signal === 'SIGKILL') signalRef(m.controlPlane, 'SIGKILL');
  await stopRef(m.controlPlane);
  m.controlPlane = undefined;
}

export async function stopEtcdMember(node: NodeState): Promise<void> {
  const m = requireMembers(node);
  await stopRef(m.etcd);
  m.etcd = undefined;
}

/** The control-plane log files of every HA node, for the leader's identity. */
export function controlPlaneLogOf(logDir: string, node: NodeState): string {
  return logFile(logDir, node, 'control-plane');
}
