/**
 * A pod's resolver configuration, as the kubelet's GetPodDNS forms it
 * (pkg/kubelet/network/dns/dns.go; https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy):
 *
 * - ClusterFirst (the default) and ClusterFirstWithHostNet: the cluster DNS server only,
 *   search `<ns>.svc.<domain> svc.<domain> <domain>` then the node's search domains,
 *   `options ndots:5`. A hostNetwork pod's ClusterFirst falls back to Default; so does any
 *   cluster policy while the cluster DNS address is unknown (MissingClusterDNS).
 * - Default: the node's resolv.conf (`--resolv-conf`); with that path empty, the local
 *   resolver only (`nameserver 127.0.0.1`, `search .`), which disables lookups.
 * - None: nothing but the pod's dnsConfig.
 *
 * The pod's dnsConfig is then merged in (nameservers and searches appended without
 * duplicates, options by name with the pod's winning), and the result trimmed to the
 * resolver's limits with a DNSConfigForming warning: 3 nameservers; 32 search domains of at
 * most 253 characters and 2048 characters in all (ExpandedDNSConfig, GA since 1.28).
 */
import { isIPv6 } from 'node:net';
import type { Pod } from '../../api/core-v1';
import type { EventSpec } from './pod-event-log';
import { formatPod } from './pod-events';
import type { DnsConfig } from '../dns/resolv-conf';

export interface NodeDns {
  /** The cluster domain, e.g. `cluster.local`; empty: no cluster search domains. */
  clusterDomain: string;
  /** The cluster DNS server's address; undefined while unknown. */
  clusterDns: string | undefined;
  /** The node's resolv.conf, parsed; undefined when the node has none configured (`--resolv-conf ""`). */
  host: DnsConfig | undefined;
  /** The node's address: its family picks the loopback resolver when there is no host file. */
  hostIP: string;
}

export interface PodDns {
  config: DnsConfig;
  /** Warning events the kubelet records about the pod while forming its config. */
  warnings: EventSpec[];
}

export type PodDnsType = 'cluster' | 'host' | 'none';

export const MAX_NAMESERVERS = 3;
export const MAX_SEARCH_PATHS = 32;
export const MAX_SEARCH_LINE_CHARS = 2048;
/** A longer search path makes some resolvers (glibc 2.28) abort: the kubelet drops it. */
const MAX_SEARCH_PATH_CHARS = 253;
const CLUSTER_OPTIONS = ['ndots:5'];

/** Which base the pod's policy starts from (getPodDNSType). */
export function podDnsType(pod: Pod): PodDnsType {
  switch (pod.spec.dnsPolicy) {
    case 'None':
      return 'none';
    case 'Default':
      return 'host';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    default:
      return pod.spec.hostNetwork ? 'host' : 'cluster';
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The node's own config; with no host file the loopback resolver and the root search domain. */
function hostConfig(node: NodeDns): DnsConfig {
  if (node.host) return structuredClone(node.host);
  return { nameservers: [isIPv6(node.hostIP) ? '::1' : '127.0.0.1'], searches: ['.'], options: [] };
}

function clusterSearches(pod: Pod, node: NodeDns, hostSearches: string[]): string[] {
  const domain = node.clusterDomain;
  if (!domain) return hostSearches;
  return unique([`${pod.metadata.namespace ?? 'default'}.svc.${domain}`, `svc.${domain}`, domain, ...hostSearches]);
}

function missingClusterDns(pod: Pod): EventSpec {
  const message = `pod: "${formatPod(pod)}". pikube agent does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
  return { type: 'Warning', reason: 'MissingClusterDNS', message };
}

/** The config before the pod's dnsConfig is merged in. */
function baseConfig(pod: Pod, node: NodeDns, warnings: EventSpec[]): DnsConfig {
  const type = podDnsType(pod);
  if (type === 'none') return { nameservers: [], searches: [], options: [] };
  const host = hostConfig(node);
  if (type === 'host') return host;
  if (node.clusterDns === undefined) {
    warnings.push(missingClusterDns(pod));
    return host;
  }
  return { nameservers: [node.clusterDns], searches: clusterSearches(pod, node, node.host?.searches ?? []), options: [...CLUSTER_OPTIONS] };
}

/** Options by name, in first-seen order; a later one (the pod's) replaces an earlier one's value. */
export function mergeDnsOptions(existing: string[], podOptions: { name: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const colon = op.indexOf(':');
    if (colon < 0) byName.set(op, '');
    else byName.set(op.slice(0, colon), op.slice(colon + 1));
  }
  for (const op of podOptions) byName.set(op.name, op.value ?? '');
  return [...byName].map(([name, value]) => (value === '' ? name : `${name}:${value}`));
}

function withPodConfig(base: DnsConfig, pod: Pod): DnsConfig {
  const own = pod.spec.dnsConfig;
  if (!own) return base;
  return {
    nameservers: unique([...base.nameservers, ...(own.nameservers ?? [])]),
    searches: unique([...base.searches, ...(own.searches ?? [])]),
    options: mergeDnsOptions(base.options, own.options ?? []),
  };
}

function fitNameservers(nameservers: string[], warnings: EventSpec[]): string[] {
  if (nameservers.length <= MAX_NAMESERVERS) return nameservers;
  const kept = nameservers.slice(0, MAX_NAMESERVERS);
  warnings.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${kept.join(' ')}` });
  return kept;
}

/** At most 32 paths, none over 253 characters, then the last ones dropped until the line fits 2048. */
function fitSearches(searches: string[], warnings: EventSpec[]): string[] {
  let kept = searches.slice(0, MAX_SEARCH_PATHS).filter((s) => s.length <= MAX_SEARCH_PATH_CHARS);
  let exceeded = kept.length < searches.length;
  while (kept.join(' ').length > MAX_SEARCH_LINE_CHARS) {
    kept = kept.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) warnings.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${kept.join(' ')}` });
  return kept;
}

/** The pod's resolver config and the warnings forming it raised. */
export function podDnsConfig(pod: Pod, node: NodeDns): PodDns {
  const warnings: EventSpec[] = [];
  const merged = withPodConfig(baseConfig(pod, node, warnings), pod);
  const config = { ...merged, nameservers: fitNameservers(merged.nameservers, warnings), searches: fitSearches(merged.searches, warnings) };
  return { config, warnings };
}
