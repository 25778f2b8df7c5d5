/** The agent's command line, parsed and checked before anything starts. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { parseDuration } from '../api/duration';
import { DEFAULT_FENCING_PERIOD_MS } from '../base/fencing-times';
import { parseCidr } from './network/ipv4-cidr';
import type { SandboxAttachment } from './network/pod-network';
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
  /** `--sandbox-network` (default docker): pod sandboxes join Docker's `pikube` network, or the agent attaches them to its bridge (veth). */
  sandboxNetwork: SandboxAttachment;
  /** `--eviction-hard` (kubelet's; default memory.available<100Mi,nodefs.available<10%,imagefs.available<15%): node-pressure eviction thresholds. */
  evictionHard: Threshold[];
  /** `--eviction-pressure-transition-period` (kubelet's; default 5m): how long a pressure condition stays True after its signal recovers. */
  evictionPressureTransitionPeriodMs: number;
}

const USAGE = `usage: pikube-agent --node-name NAME --servers HOST:PORT[,HOST:PORT] --ca FILE --cert FILE --key FILE
  --node-ip IP [--docker-host unix:///var/run/docker.sock] [--cgroup-root /pikube] [--state-dir DIR]
  [--pause-image pikube/pause:latest] [--cluster-cidr 10.42.0.0/16] [--cluster-domain cluster.local]
  [--resolv-conf /etc/resolv.conf] [--iptables-sync-period 30s] [--fencing-period 6s] [--sandbox-network docker|veth]
  [--eviction-hard memory.available<100Mi,nodefs.available<10%,imagefs.available<15%] [--eviction-pressure-transition-period 5m] [--config /etc/pikube/agent.yaml]
   or: pikube-agent preflight [--cluster-cidr CIDR] [--docker-host URL]   (check this Pi, print what to fix, exit 1 on a failure)
   or: pikube-agent --cleanup   (remove the agent's iptables rules and routes from this node, then exit)`;

/** Every valued flag; each is also a key of /etc/pikube/agent.yaml (base/config/config-file.ts). */
export const AGENT_FLAGS = ['node-name', 'servers', 'ca', 'cert', 'key', 'docker-host', 'node-ip', 'cgroup-root', 'state-dir', 'pause-image', 'cluster-cidr',
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

export function parseAgentConfig(argv: string[]): AgentConfig {
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
    servers: required(v, 'servers').split(',').map(checkServer),
    caPem: readFileSync(required(v, 'ca'), 'utf8'),
    certPem: readFileSync(required(v, 'cert'), 'utf8'),
    keyPem: readFileSync(required(v, 'key'), 'utf8'),
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
    sandboxNetwork: sandboxNetwork(v['sandbox-network'] ?? 'docker'),
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
