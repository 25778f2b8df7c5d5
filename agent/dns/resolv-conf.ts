/**
 * The resolv.conf format as the kubelet reads the node's file (pkg/kubelet/network/dns,
 * parseResolvConf) and as the container runtime writes a pod's (containerd's order: search,
 * nameserver, options). Cluster DNS forwards to the node file's nameservers.
 */
import { isIP } from 'node:net';

/** A resolver configuration: what a pod's /etc/resolv.conf says. */
export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  /** `ndots:5`, `edns0`: name, then `:value` when it has one. */
  options: string[];
}

/** The kubelet reads at most this much of the node's file. */
const MAX_RESOLV_CONF_BYTES = 10 * 1024 * 1024;

/**
 * `nameserver` lines accumulate; the last `search` line wins, its `.` entries (systemd-resolved
 * writes `search .` for "no search domains") are dropped and a domain's trailing dot too;
 * `options` lines merge, a later value of an option replacing an earlier one (kubelet's
 * appendOptions); `#` lines are comments. A `nameserver` line without an address is an error,
 * as for the kubelet.
 */
export function parseResolvConf(text: string): DnsConfig | Error {
  if (text.length > MAX_RESOLV_CONF_BYTES) return new Error(`resolv.conf is larger than ${MAX_RESOLV_CONF_BYTES} bytes`);
  const config: DnsConfig = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const fields = line.trim().startsWith('#') ? [] : line.trim().split(/\s+/).filter((f) => f !== '');
    if (fields[0] === 'nameserver') {
      if (fields.length < 2) return new Error('nameserver list is empty');
      config.nameservers.push(fields[1]);
    }
    if (fields[0] === 'search') config.searches = fields.slice(1).filter((d) => d !== '.').map((d) => d.replace(/\.$/, ''));
    if (fields[0] === 'options') config.options = mergeOptions(config.options, fields.slice(1));
  }
  return config;
}

/** `options` merged by name (the part before `:`), later ones winning, in first-seen order. */
function mergeOptions(earlier: string[], later: string[]): string[] {
  const byName = new Map<string, string>();
  for (const option of [...earlier, ...later]) byName.set(option.split(':')[0], option);
  return [...byName.values()];
}

/** The file's text; a part with no entries is left out (an empty config is an empty file). */
export function renderResolvConf(config: DnsConfig): string {
  const lines: string[] = [];
  if (config.searches.length > 0) lines.push(`search ${config.searches.join(' ')}`);
  for (const server of config.nameservers) lines.push(`nameserver ${server}`);
  if (config.options.length > 0) lines.push(`options ${config.options.join(' ')}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** The nameservers that are IP addresses (an IPv6 zone such as `%eth0` kept), in order. */
export function nameserverAddresses(config: DnsConfig): string[] {
  return config.nameservers.filter((s) => isIP(s.replace(/%.*$/, '')) !== 0);
}
