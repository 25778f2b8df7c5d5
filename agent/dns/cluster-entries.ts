/**
 * The entries a cluster name stands for (CoreDNS' findServices / findPods): for each matching
 * port, an address with the name an SRV record targets, or the host an ExternalName aliases.
 * Pure: reads only the index.
 */
import { isIP } from 'node:net';
import { serviceFqdn, serviceKey, type ClusterDnsIndex, type PortView, type ServiceView } from './cluster-dns-index';
import type { RecordRequest } from './cluster-dns-request';
import { foldName } from './dns-name';

export interface ClusterEntry {
  /** An IP address, or for an ExternalName the host name it aliases (`isName`). */
  host: string;
  isName: boolean;
  /** The port an SRV record carries; -1 when the endpoint declares none (no SRV then). */
  port: number;
  /** The name an SRV record targets and the owner of the address in the additional section. */
  target: string;
}

/** The entries of a request, [] for a name that exists without records, 'nxdomain' for one that does not exist. */
export function findEntries(index: ClusterDnsIndex, request: RecordRequest): ClusterEntry[] | 'nxdomain' {
  return request.kind === 'pod' ? podEntries(index, request) : serviceEntries(index, request);
}

/** Any namespace is taken to exist for pod names: the agent is not told namespaces (k3s' `pods insecure` only checks that). */
function podEntries(index: ClusterDnsIndex, r: RecordRequest): ClusterEntry[] | 'nxdomain' {
  if (r.service === '') return [];
  const dashes = r.service.split('-').length - 1;
  const ip = dashes === 3 && !r.service.includes('--') ? r.service.replace(/-/g, '.') : r.service.replace(/-/g, ':');
  if (isIP(ip) === 0) return 'nxdomain';
  return [{ host: ip, isName: false, port: 0, target: `${r.service}.${r.namespace}.pod.${index.domain}` }];
}

function serviceEntries(index: ClusterDnsIndex, r: RecordRequest): ClusterEntry[] | 'nxdomain' {
  if (!index.namespaces.has(r.namespace)) return 'nxdomain';
  if (r.service === '') return [];
  const view = index.services.get(serviceKey(r.service, r.namespace));
  if (view === undefined) return 'nxdomain';
  if (view.kind === 'external-name') return r.endpoint === '' ? [{ host: view.externalName, isName: true, port: 0, target: serviceFqdn(view, index.domain) }] : 'nxdomain';
  if (view.kind === 'headless' || r.endpoint !== '') return endpointEntries(view, r, index.domain);
  return clusterIPEntries(view, r, index.domain);
}

/** One entry per (matching endpoint, matching port); none matching is NXDOMAIN. */
function endpointEntries(view: ServiceView, r: RecordRequest, domain: string): ClusterEntry[] | 'nxdomain' {
  const entries: ClusterEntry[] = [];
  const fqdn = serviceFqdn(view, domain);
  for (const ep of view.endpoints) {
    if (r.endpoint !== '' && foldName(ep.label) !== r.endpoint) continue;
    for (const p of ep.ports.filter((port) => portMatches(r, port))) entries.push({ host: ep.ip, isName: false, port: p.port, target: `${ep.label}.${fqdn}` });
  }
  return entries.length > 0 ? entries : 'nxdomain';
}

/** One entry per (matching port, cluster IP); no matching port is NXDOMAIN, a matching port without an IP yet is NODATA. */
function clusterIPEntries(view: ServiceView, r: RecordRequest, domain: string): ClusterEntry[] | 'nxdomain' {
  const ports = view.ports.filter((p) => portMatches(r, p));
  if (ports.length === 0) return 'nxdomain';
  const target = serviceFqdn(view, domain);
  return ports.flatMap((p) => view.clusterIPs.map((ip) => ({ host: ip, isName: false, port: p.port, target })));
}

/** CoreDNS' matchPortAndProtocol: an empty request field matches anything; names compare case-insensitively. */
function portMatches(r: RecordRequest, p: PortView): boolean {
  const match = (want: string, have: string): boolean => want === '' || want === have.toLowerCase();
  return match(r.port, p.name) && match(r.protocol, p.protocol);
}
