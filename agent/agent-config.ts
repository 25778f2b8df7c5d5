/** The agent's command line, parsed and checked before anything starts. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { parseDuration } from '../api/duration';
import { DEFAULT_FENCING_PERIOD_MS } from '../base/fencing-times';
import { parseCidr } from './network/ipv4-cidr';
import type { SandboxAttachment } from './network/pod-network';
import { parseBootstrapToken } from '../api/bootstrap-token';
import { parseCaCertHash } from '../api/ca-cert-hash';
import type { JoinSettings } from './join/node-credentials';
import type { NodeCredentials } from './join/node-join';
import { DEFAULT_EVICTION_HARD, parseEvictionHard, type Threshold } from './eviction/eviction-thresholds';
import { DEFAULT_PRESSURE_TRANSITION_MS } from './eviction/eviction-manager';

export interface AgentConfig {
  nodeName: string;
  /** Control-plane node-service addresses, `host:port`, tried in order. */
  servers: string[];
  caPem: string;
  certPem: string;
  keyPem: string;
  dockerSocket: string;
  nodeIP: string;
  cgroupRoot: string;
  stateDir: string;
  pauseImage: string;
  /** The cluster's pod CIDR (`--cluster-cidr`, default 10.42.0.0/16): node pod CIDRs lie in it; traffic within it is not masqueraded. */
  clusterCIDR: string;
  /** The cluster DNS domain (`--cluster-domain`, kubelet's; default cluster.local). */
  clusterDomain: string;
  /** The node's resolver config (`--resolv-conf`, kubelet's; '' for none): DNS forwarding and dnsPolicy Default. */
  resolvConf: string;
  /** How often the service rules are checked for drift (`--iptables-sync-period`, kube-proxy's; default 30 s). */
  iptablesSyncPeriodMs: number;
  /** `--fencing-period` (default 6s): how long pods that must not run twice keep running without any control plane; a shorter one told in the Welcome wins. */
  fencingPeriodMs: number;
  /** `--sandbox-network` (default veth): the agent attaches pod sandboxes to its bridge itself, or they join Docker's `pikube` network (docker). */
  sandboxNetwork: SandboxAttachment;
  /** `--eviction-hard` (kubelet's; default memory.available<100Mi,nodefs.available<10%,imagefs.available<15%): node-pressure eviction thresholds. */
  evictionHard: Threshold[];
  /** `--eviction-pressure-transition-period` (kubelet's; default 5m): how long a pressure condition stays True after its signal recovers. */
  evictionPressureTransitionPeriodMs: number;
}

/** Where the node's certificate comes from: files named by flags, or a join (its result stored under the state dir). */
export type CredentialSource = { kind: 'files'; ca: string; cert: string; key: string } | { kind: 'join'; join: JoinSettings };

/** Everything but the certificates, which may have to be fetched first (a join). */
export type AgentSettings = Omit<AgentConfig, keyof NodeCredentials> & { credentials: CredentialSource };

/** The node service's default port, beside the API's (a join names only the API server). */
const DEFAULT_NODE_SERVICE_PORT = 6444;

const USAGE = `usage: pikube-agent --node-name NAME --node-ip IP
  (--server https://HOST:6443 [--token ID.SECRET --ca-cert-hash sha256:HEX] | --ca FILE --cert FILE --key FILE)
  [--servers HOST:PORT[,HOST:PORT]] [--docker-host unix:///var/run/docker.sock] [--cgroup-root /pikube] [--state-dir DIR]
  [--pause-image pikube/pause:latest] [--cluster-cidr 10.42.0.0/16] [--cluster-domain cluster.local]
  [--resolv-conf /etc/resolv.conf] [--iptables-sync-period 30s] [--fencing-period 6s] [--sandbox-network veth|docker]
  [--eviction-hard memory.available<100Mi,nodefs.available<10%,imagefs.available<15%] [--eviction-pressure-transition-period 5m] [--config /etc/pikube/agent.yaml]
   or: pikube-agent preflight [--cluster-cidr CIDR] [--docker-host URL]   (check this Pi, print what to fix, exit 1 on a failure)
   or: pikube-agent --cleanup   (remove the agent's iptables rules and routes from this node, then exit)`;

/** Every valued flag; each is also a key of /etc/pikube/agent.yaml (base/config/config-file.ts). */
export const AGENT_FLAGS = ['node-name', 'servers', 'server', 'token', 'ca-cert-hash', 'ca', 'cert', 'key', 'docker-host', 'node-ip', 'cgroup-root', 'state-dir', 'pause-image', 'cluster-cidr',
  'cluster-domain', 'resolv-conf', 'iptables-sync-period', 'fencing-period', 'sandbox-network', 'eviction-hard', 'eviction-pressure-transition-period'] as const;

/** Where the agent's settings live on a Pi; `--config FILE` names another. */
export const AGENT_CONFIG_FILE = '/etc/pikube/agent.yaml';

const NODE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function required(values: Record<string, string | undefined>, name: string): string {
  const v = values[name];
  if (!v) throw new Error(`--${name} is required\n${USAGE}`);
  return v;
}

function socketOf(dockerHost: string): string {
  if (!dockerHost.startsWith('unix://')) throw new Error(`--docker-host must be unix:///path, got "${dockerHost}"`);
  return dockerHost.slice('unix://'.length);
}

function checkServer(server: string): string {
  if (!/^[A-Za-z0-9.\-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(server)) throw new Error(`--servers: "${server}" is not host:port`);
  return server;
}

/**
 * `--cleanup` (kube-proxy's): remove this node's iptables rules and routes of ours, then exit
 * (agent/network/node-cleanup.ts). Checked before `parseAgentConfig`: the other flags are then
 * neither needed nor checked.
 */
export function wantsCleanup(argv: string[]): boolean {
  const { values } = parseArgs({ args: argv, options: { cleanup: { type: 'boolean' } }, strict: false });
  return values.cleanup === true;
}

function checkDomain(domain: string): string {
  if (!NODE_NAME.test(domain) || domain.length > 253) throw new Error(`--cluster-domain "${domain}" is not a DNS-1123 subdomain`);
  return domain;
}

function syncPeriod(text: string): number {
  const ms = parseDuration(text);
  if (ms < 1000) throw new Error(`--iptables-sync-period "${text}" must be a duration of at least 1s, like 30s`);
  return ms;
}

function fencingPeriod(text: string | undefined): number {
  if (text === undefined) return DEFAULT_FENCING_PERIOD_MS;
  const ms = parseDuration(text);
  if (ms < 1000) throw new Error(`--fencing-period "${text}" must be a duration of at least 1s, like 6s`);
  return ms;
}

/** `--server`: the API server a join talks to, https://host:port. */
function checkApiServer(text: string): string {
  const url = /^https:\/\/([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/.exec(text);
  if (!url) throw new Error(`--server "${text}" must be https://host:port (the API server, e.g. https://192.168.1.10:6443)`);
  return text.replace(/\/$/, '');
}

function credentialSource(v: Record<string, string | undefined>): CredentialSource {
  const files = ['ca', 'cert', 'key'].filter((f) => v[f] !== undefined);
  if (files.length > 0) return { kind: 'files', ca: required(v, 'ca'), cert: required(v, 'cert'), key: required(v, 'key') };
  if (v.server === undefined) throw new Error(`--server with --token and --ca-cert-hash (to join), or --ca, --cert and --key, are required\n${USAGE}`);
  const text = v.token;
  const token = text === undefined ? undefined : parseBootstrapToken(text);
  if (text !== undefined && !token) throw new Error('--token must be a bootstrap token, ID.SECRET (6 and 16 characters of a-z and 0-9)');
  if ((v.token === undefined) !== (v['ca-cert-hash'] === undefined)) throw new Error('--token and --ca-cert-hash go together: the hash pins the CA the token is checked with');
  const caCertHash = v['ca-cert-hash'] === undefined ? undefined : parseCaCertHash(v['ca-cert-hash']);
  return { kind: 'join', join: { server: checkApiServer(v.server), token, caCertHash } };
}

/** `--servers`, or the node service beside `--server`'s API server. */
function nodeServers(v: Record<string, string | undefined>): string[] {
  if (v.servers !== undefined || v.server === undefined) return required(v, 'servers').split(',').map(checkServer);
  const host = new URL(checkApiServer(v.server)).host.replace(/:\d+$/, '');
  return [`${host}:${DEFAULT_NODE_SERVICE_PORT}`];
}

/** The settings with the certificates of `--ca`, `--cert` and `--key` read (no join). */
export function parseAgentConfig(argv: string[]): AgentConfig {
  const settings = parseAgentSettings(argv);
  const source = settings.credentials;
  if (source.kind !== 'files') throw new Error('--ca, --cert and --key are required here');
  return withCredentials(settings, readCredentialFiles(source));
}

export function readCredentialFiles(files: { ca: string; cert: string; key: string }): NodeCredentials {
  return { caPem: readFileSync(files.ca, 'utf8'), certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') };
}

export function withCredentials(settings: AgentSettings, credentials: NodeCredentials): AgentConfig {
  const { credentials: _source, ...rest } = settings;
  return { ...rest, ...credentials };
}

export function parseAgentSettings(argv: string[]): AgentSettings {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(AGENT_FLAGS.map((n) => [n, { type: 'string' as const }])),
  });
  const v = values as Record<string, string | undefined>;
  const nodeName = required(v, 'node-name');
  if (!NODE_NAME.test(nodeName) || nodeName.length > 253) throw new Error(`--node-name "${nodeName}" is not a DNS-1123 subdomain`);
  const nodeIP = required(v, 'node-ip');
  if (!isIP(nodeIP)) throw new Error(`--node-ip "${nodeIP}" is not an IP address`);
  const cgroupRoot = v['cgroup-root'] ?? '/pikube';
  const clusterCIDR = v['cluster-cidr'] ?? '10.42.0.0/16';
  if (!parseCidr(clusterCIDR)) throw new Error(`--cluster-cidr "${clusterCIDR}" is not an IPv4 CIDR`);
  if (!/^\/[A-Za-z0-9._\-/]+$/.test(cgroupRoot)) throw new Error(`--cgroup-root "${cgroupRoot}" must be an absolute cgroup path`);
  return {
    nodeName,
    // The identity first: with neither certificates nor --server, that is what to say.
    credentials: credentialSource(v),
    servers: nodeServers(v),
    dockerSocket: socketOf(v['docker-host'] ?? 'unix:///var/run/docker.sock'),
    nodeIP,
    cgroupRoot,
    stateDir: v['state-dir'] ?? '/var/lib/pikube-agent',
    pauseImage: v['pause-image'] ?? 'pikube/pause:latest',
    clusterCIDR,
    clusterDomain: checkDomain(v['cluster-domain'] ?? 'cluster.local'),
    resolvConf: v['resolv-conf'] ?? '/etc/resolv.conf',
    iptablesSyncPeriodMs: syncPeriod(v['iptables-sync-period'] ?? '30s'),
    fencingPeriodMs: fencingPeriod(v['fencing-period']),
    sandboxNetwork: sandboxNetwork(v['sandbox-network'] ?? 'veth'),
    evictionHard: parseEvictionHard(v['eviction-hard'] ?? DEFAULT_EVICTION_HARD),
    evictionPressureTransitionPeriodMs: transitionPeriod(v['eviction-pressure-transition-period']),
  };
}

function transitionPeriod(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PRESSURE_TRANSITION_MS;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new Error(`--eviction-pressure-transition-period: ${(err as Error).message}`);
  }
}

function sandboxNetwork(text: string): SandboxAttachment {
  if (text !== 'docker' && text !== 'veth') throw new Error(`--sandbox-network "${text}" must be docker or veth`);
  return text;
}
