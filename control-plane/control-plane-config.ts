/** The control plane's command line (`serve` and its helper subcommands), parsed and checked. */
import { isIP } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_TOLERATION_SECONDS, DEFAULT_UNREACHABLE_TOLERATION_SECONDS, type DefaultTolerationSeconds } from '../api/defaults/pod-defaults';
import { parseDuration } from '../api/duration';
import { parseImagePolicy, type ImagePolicy } from '../api/image-policy';
import { DEFAULT_NODE_HOST_PROBE_AFTER_MS, DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS } from './nodes/node-liveness';
import { DEFAULT_DISRUPTION_SETTINGS, type DisruptionSettings } from './controllers/node-disruption-plan';
import { DEFAULT_FENCING_MARGIN_MS, DEFAULT_FENCING_PERIOD_MS, MIN_FENCING_MARGIN_MS, type FencingTimes } from '../base/fencing-times';

export interface ServeConfig {
  dataDir: string;
  etcdEndpoints: string[];
  etcdPrefix: string;
  bindAddress: string;
  securePort: number;
  nodePort: number;
  advertiseAddress: string;
  clusterCIDR: string;
  serviceCIDR: string;
  nodeMonitorGracePeriodMs: number;
  /** `--node-host-probe-after`: the silence after which the leader asks a node's host whether it is still on the LAN (0: never). */
  nodeHostProbeAfterMs: number;
  /** The DefaultTolerationSeconds admission (`--default-not-ready-toleration-seconds`, `--default-unreachable-toleration-seconds`). Absent: pikube's defaults. */
  defaultTolerationSeconds?: DefaultTolerationSeconds;
  /** `--pod-fencing-period` (sent to every agent) and `--pod-fencing-margin`: see base/fencing-times.ts. */
  fencing?: FencingTimes;
  /** `--node-eviction-rate`, `--secondary-node-eviction-rate`, `--unhealthy-zone-threshold`, `--large-cluster-size-threshold`. */
  disruption?: DisruptionSettings;
  identity: string;
  /** `--token-auth-file`: static bearer tokens (token-file-authenticator.ts). */
  tokenAuthFile?: string;
  /** `--encryption-provider-config`: kube-apiserver's EncryptionConfiguration file (store/encryption/). */
  encryptionProviderConfig?: string;
  /** `--allowed-image-registries`: the registries pods' images may come from (api/image-policy.ts). Absent: any. */
  imagePolicy?: ImagePolicy;
}

/** Every flag; each is also a key of /etc/pikube/server.yaml (base/config/config-file.ts). */
export const SERVER_FLAGS = ['data-dir', 'etcd-endpoints', 'etcd-prefix', 'bind-address', 'secure-port', 'node-port',
  'advertise-address', 'cluster-cidr', 'service-cidr', 'node-monitor-grace-period', 'node-host-probe-after',
  'default-not-ready-toleration-seconds', 'default-unreachable-toleration-seconds', 'pod-fencing-period', 'pod-fencing-margin',
  'node-eviction-rate', 'secondary-node-eviction-rate', 'unhealthy-zone-threshold', 'large-cluster-size-threshold', 'etcd-data-dir', 'node', 'out', 'server', 'token-auth-file', 'user', 'group',
  'kubeconfig', 'ttl', 'description', 'encryption-provider-config', 'allowed-image-registries'] as const;

/** Where the server's settings live on a Pi; `--config FILE` names another. */
export const SERVER_CONFIG_FILE = '/etc/pikube/server.yaml';

export type Flags = Partial<Record<(typeof SERVER_FLAGS)[number], string>>;

export function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({ args: argv, options: Object.fromEntries(SERVER_FLAGS.map((n) => [n, { type: 'string' as const }])) });
  return values as Flags;
}

function port(value: string | undefined, fallback: number, flag: string): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`--${flag} must be a port number, got "${value}"`);
  return n;
}

/** Whole seconds, 0 or more (kube-apiserver's flags are int64 seconds). */
function seconds(value: string | undefined, fallback: number, flag: string): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || (value !== undefined && !/^\d+$/.test(value))) throw new Error(`--${flag} must be a whole number of seconds, got "${value}"`);
  return n;
}

/** A number in [min, max], as kube-controller-manager's float32 and int32 flags. */
function numberIn(value: string | undefined, fallback: number, flag: string, min: number, max: number, integer = false): number {
  const n = value === undefined ? fallback : Number(value);
  if (value !== undefined && (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))) {
    throw new Error(`--${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function disruptionSettings(flags: Flags): DisruptionSettings {
  const d = DEFAULT_DISRUPTION_SETTINGS;
  return {
    nodeEvictionRate: numberIn(flags['node-eviction-rate'], d.nodeEvictionRate, 'node-eviction-rate', 0, 1000),
    secondaryNodeEvictionRate: numberIn(flags['secondary-node-eviction-rate'], d.secondaryNodeEvictionRate, 'secondary-node-eviction-rate', 0, 1000),
    unhealthyZoneThreshold: numberIn(flags['unhealthy-zone-threshold'], d.unhealthyZoneThreshold, 'unhealthy-zone-threshold', 0, 1),
    largeClusterSizeThreshold: numberIn(flags['large-cluster-size-threshold'], d.largeClusterSizeThreshold, 'large-cluster-size-threshold', 0, 1_000_000, true),
  };
}

export function checkCIDR(cidr: string, flag: string): string {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m || isIP(m[1]) !== 4 || Number(m[2]) > 32) throw new Error(`--${flag} must be an IPv4 CIDR like 10.42.0.0/16, got "${cidr}"`);
  return cidr;
}

function address(value: string | undefined, flag: string): string {
  if (value === undefined) throw new Error(`--${flag} is required`);
  if (!isIP(value)) throw new Error(`--${flag} must be an IP address, got "${value}"`);
  return value;
}

/**
 * The fencing period must outlast the grace (an agent must not stop its pods before the control
 * plane could even notice it is gone) and the margin must cover the agent's stop.
 */
export function fencingTimes(flags: Flags, gracePeriodMs: number): FencingTimes {
  // Unset, it follows a longer grace (a node must be declared lost before its agent fences).
  const given = flags['pod-fencing-period'];
  const periodMs = given === undefined ? Math.max(DEFAULT_FENCING_PERIOD_MS, gracePeriodMs + 1000) : parseDuration(given);
  const marginMs = parseDuration(flags['pod-fencing-margin'] ?? `${DEFAULT_FENCING_MARGIN_MS}ms`);
  if (periodMs < gracePeriodMs) throw new Error(`--pod-fencing-period (${periodMs} ms) must not be shorter than --node-monitor-grace-period (${gracePeriodMs} ms)`);
  if (marginMs < MIN_FENCING_MARGIN_MS) throw new Error(`--pod-fencing-margin must be at least ${MIN_FENCING_MARGIN_MS} ms, got ${marginMs} ms`);
  return { periodMs, marginMs };
}

/** Shorter than the grace period, or 0 (the check off): a host found gone may shorten a node's grace, never lengthen it. */
function hostProbeAfter(flags: Flags, gracePeriodMs: number): number {
  const ms = parseDuration(flags['node-host-probe-after'] ?? `${DEFAULT_NODE_HOST_PROBE_AFTER_MS}ms`);
  if (ms !== 0 && ms >= gracePeriodMs) throw new Error(`--node-host-probe-after (${ms} ms) must be shorter than --node-monitor-grace-period (${gracePeriodMs} ms), or 0 to turn the host check off`);
  return ms;
}

/** `--etcd-endpoints` and `--etcd-prefix`, checked: what every command that talks to etcd needs. */
export function parseEtcdFlags(flags: Flags): { endpoints: string[]; prefix: string } {
  const endpoints = (flags['etcd-endpoints'] ?? 'http://127.0.0.1:2379').split(',');
  for (const e of endpoints) if (!/^https?:\/\/[^/]+$/.test(e)) throw new Error(`--etcd-endpoints: "${e}" is not http(s)://host:port`);
  const prefix = flags['etcd-prefix'] ?? '/registry';
  if (!/^\/[A-Za-z0-9._\-/]*[A-Za-z0-9._-]$/.test(prefix)) throw new Error(`--etcd-prefix "${prefix}" must start with / and not end with /`);
  return { endpoints, prefix };
}

export function parseServeConfig(flags: Flags): ServeConfig {
  const { endpoints, prefix } = parseEtcdFlags(flags);
  const advertise = address(flags['advertise-address'], 'advertise-address');
  const nodeMonitorGracePeriodMs = parseDuration(flags['node-monitor-grace-period'] ?? `${DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS}ms`);
  return {
    dataDir: flags['data-dir'] ?? '/var/lib/pikube',
    etcdEndpoints: endpoints,
    etcdPrefix: prefix,
    bindAddress: address(flags['bind-address'] ?? '0.0.0.0', 'bind-address'),
    securePort: port(flags['secure-port'], 6443, 'secure-port'),
    nodePort: port(flags['node-port'], 6444, 'node-port'),
    advertiseAddress: advertise,
    clusterCIDR: checkCIDR(flags['cluster-cidr'] ?? '10.42.0.0/16', 'cluster-cidr'),
    serviceCIDR: checkCIDR(flags['service-cidr'] ?? '10.43.0.0/16', 'service-cidr'),
    nodeMonitorGracePeriodMs,
    nodeHostProbeAfterMs: hostProbeAfter(flags, nodeMonitorGracePeriodMs),
    fencing: fencingTimes(flags, nodeMonitorGracePeriodMs),
    disruption: disruptionSettings(flags),
    defaultTolerationSeconds: {
      notReady: seconds(flags['default-not-ready-toleration-seconds'], DEFAULT_TOLERATION_SECONDS, 'default-not-ready-toleration-seconds'),
      unreachable: seconds(flags['default-unreachable-toleration-seconds'], DEFAULT_UNREACHABLE_TOLERATION_SECONDS, 'default-unreachable-toleration-seconds'),
    },
    identity: `${os.hostname()}-${process.pid}`,
    tokenAuthFile: flags['token-auth-file'],
    encryptionProviderConfig: flags['encryption-provider-config'],
    imagePolicy: flags['allowed-image-registries'] === undefined ? undefined : parseImagePolicy(flags['allowed-image-registries']),
  };
}
