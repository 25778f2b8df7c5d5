/**
 * The cluster's DNS view, built once per update from Services and EndpointSlices so that each
 * query is a few map lookups. Only endpoints that are ready count (`conditions.ready` absent
 * means ready), unless the service publishes not-ready addresses, as CoreDNS' kubernetes plugin
 * and kube-proxy do.
 */
import { isIP } from 'node:net';
import { SERVICE_NAME_LABEL, type EndpointSlice, type Service } from '../../api/service-v1';
import { foldName } from './dns-name';
import { reverseName } from './ip-address';

/** A port as DNS matches it: name and protocol compared case-insensitively; -1 stands for "no ports declared". */
export interface PortView {
  name: string;
  protocol: string;
  port: number;
}

export interface EndpointView {
  ip: string;
  /** The endpoint's DNS label: its hostname, else its address with '.' or ':' replaced by '-'. */
  label: string;
  ports: PortView[];
}

export interface ServiceView {
  namespace: string;
  name: string;
  kind: 'cluster-ip' | 'headless' | 'external-name';
  /** The allocated cluster IPs (cluster-ip kind only). */
  clusterIPs: string[];
  externalName: string;
  ports: PortView[];
  /** spec.publishNotReadyAddresses: not-ready endpoints count too. */
  publishNotReady: boolean;
  /** Endpoints that count (ready, or any when publishNotReady). */
  endpoints: EndpointView[];
}

export interface ClusterDnsIndex {
  /** The cluster domain, folded ('cluster.local'). */
  domain: string;
  /** False until the first update: a name then unknown answers SERVFAIL, not NXDOMAIN (CoreDNS before sync). */
  synced: boolean;
  /** SOA serial: the time of the update, in seconds. */
  serial: number;
  /** By folded `service.namespace`. */
  services: Map<string, ServiceView>;
  /** Folded names of namespaces with at least one service. */
  namespaces: Set<string>;
  /** Folded reverse name → PTR targets: a service's name for its cluster IP, else its endpoints' names. */
  reverse: Map<string, string[]>;
}

export function emptyClusterDnsIndex(domain: string): ClusterDnsIndex {
  return { domain: foldName(domain), synced: false, serial: 0, services: new Map(), namespaces: new Set(), reverse: new Map() };
}

export function serviceKey(name: string, namespace: string): string {
  return foldName(`${name}.${namespace}`);
}

/** `name.namespace.svc.domain`, the name a service answers to. */
export function serviceFqdn(view: ServiceView, domain: string): string {
  return `${view.name}.${view.namespace}.svc.${domain}`;
}

/** Builds the index; services without a namespace or name are left out, slices of unknown services are ignored. */
export function buildClusterDnsIndex(domain: string, services: Service[], slices: EndpointSlice[], serial: number): ClusterDnsIndex {
  const index: ClusterDnsIndex = { ...emptyClusterDnsIndex(domain), synced: true, serial };
  for (const svc of services) addService(index, svc);
  for (const slice of slices) addSlice(index, slice);
  index.reverse = reverseNames(index);
  return index;
}

function addService(index: ClusterDnsIndex, svc: Service): void {
  const { name, namespace } = svc.metadata;
  if (!name || !namespace) return;
  index.namespaces.add(foldName(namespace));
  const view = serviceView(svc, name, namespace);
  if (view !== undefined) index.services.set(serviceKey(name, namespace), view);
}

/** The view of one service; undefined for an ExternalName that is not a host name (CoreDNS answers nothing for it). */
function serviceView(svc: Service, name: string, namespace: string): ServiceView | undefined {
  const spec = svc.spec ?? {};
  const ports = (spec.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port }));
  const base = { namespace, name, ports, endpoints: [], clusterIPs: [], externalName: '', publishNotReady: spec.publishNotReadyAddresses === true };
  if (spec.type === 'ExternalName') {
    const target = foldName(spec.externalName ?? '');
    return target === '' || isIP(target) !== 0 ? undefined : { ...base, kind: 'external-name', externalName: target };
  }
  if (spec.clusterIP === 'None') return { ...base, kind: 'headless' };
  const ips = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  return { ...base, kind: 'cluster-ip', clusterIPs: ips.filter((ip) => isIP(ip) !== 0) };
}

/** Adds a slice's counting endpoints to the service its `kubernetes.io/service-name` label names. */
function addSlice(index: ClusterDnsIndex, slice: EndpointSlice): void {
  const owner = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  const view = owner && slice.metadata.namespace ? index.services.get(serviceKey(owner, slice.metadata.namespace)) : undefined;
  if (view === undefined || view.kind === 'external-name' || slice.addressType === 'FQDN') return;
  const ports = slicePorts(slice);
  for (const ep of slice.endpoints ?? []) {
    if (ep.conditions?.ready === false && !view.publishNotReady) continue;
    for (const ip of ep.addresses ?? []) if (isIP(ip) !== 0) view.endpoints.push({ ip, label: endpointLabel(ip, ep.hostname), ports });
  }
}

/** A slice's ports; a slice without ports gets the "no ports" sentinel so its addresses still answer A queries. */
function slicePorts(slice: EndpointSlice): PortView[] {
  const ports = (slice.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port ?? -1 }));
  return ports.length > 0 ? ports : [{ name: '', protocol: '', port: -1 }];
}

/** CoreDNS' endpointHostname: the hostname, else the address with its separators dashed. */
export function endpointLabel(ip: string, hostname: string | undefined): string {
  if (hostname) return foldName(hostname);
  return ip.replace(/[.:]/g, '-');
}

/** PTR targets by reverse name: cluster IPs name their service; other endpoint addresses name each endpoint. */
function reverseNames(index: ClusterDnsIndex): Map<string, string[]> {
  const byClusterIP = new Map<string, string[]>();
  const byEndpoint = new Map<string, string[]>();
  for (const view of index.services.values()) {
    const fqdn = serviceFqdn(view, index.domain);
    for (const ip of view.clusterIPs) addOnce(byClusterIP, ip, fqdn, true);
    for (const ep of view.endpoints) addOnce(byEndpoint, ep.ip, `${ep.label}.${fqdn}`, false);
  }
  for (const [key, names] of byClusterIP) byEndpoint.set(key, names);
  return byEndpoint;
}

/** Adds `target` under the reverse name of `ip` unless present; `firstOnly` keeps the first target. */
function addOnce(map: Map<string, string[]>, ip: string, target: string, firstOnly: boolean): void {
  const key = reverseName(ip);
  if (key === undefined) return;
  const targets = map.get(key) ?? [];
  if (targets.includes(target) || (firstOnly && targets.length > 0)) return;
  targets.push(target);
  map.set(key, targets);
}
