/**
 * From the API objects a node is sent (core/v1 Service, discovery.k8s.io/v1 EndpointSlice) to
 * the renderer's service-port model, following kube-proxy's reading of them: headless and
 * ExternalName services are not proxied; an endpoint whose `ready` condition is unset counts as
 * ready; only the first address of a slice endpoint is used; IPv6 slices are ignored.
 */
import type { EndpointSlice, Service, ServicePort } from '../../api/service-v1';
import { NODE_LOCAL_DNS_LABEL, SERVICE_NAME_LABEL } from '../../api/service-v1';
import type { ServiceEndpoint, ServicePortModel, ServiceProtocol } from './service-model';

/** Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;

function isProxied(service: Service): boolean {
  const ip = service.spec.clusterIP;
  return service.spec.type !== 'ExternalName' && ip !== undefined && ip !== '' && ip !== 'None';
}

function slicesOf(service: Service, slices: EndpointSlice[]): EndpointSlice[] {
  return slices.filter((s) => s.metadata.namespace === service.metadata.namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === service.metadata.name && s.addressType === 'IPv4');
}

function endpointsFor(slices: EndpointSlice[], portName: string, protocol: ServiceProtocol, nodeName: string): ServiceEndpoint[] {
  const byKey = new Map<string, ServiceEndpoint>();
  for (const slice of slices) {
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (port?.port === undefined) continue;
    for (const ep of slice.endpoints) {
      const ip = ep.addresses[0];
      if (ip === undefined) continue;
      byKey.set(`${ip}:${port.port}`, { ip, port: port.port, ready: ep.conditions?.ready !== false, local: ep.nodeName === nodeName });
    }
  }
  return [...byKey.values()];
}

function loadBalancerIPs(service: Service): string[] {
  if (service.spec.type !== 'LoadBalancer') return [];
  return (service.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip]));
}

function affinityTimeout(service: Service): number | undefined {
  if (service.spec.sessionAffinity !== 'ClientIP') return undefined;
  return service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
}

/** Where this node's own cluster DNS answers (the pod bridge's address, port 53). */
export interface LocalDns {
  ip: string;
  port: number;
}

/** The kube-dns Service the control plane makes (ensure-cluster-dns-service.ts): served by each node's own DNS. */
function isNodeLocalDns(service: Service): boolean {
  return service.metadata.namespace === 'kube-system' && service.metadata.labels?.[NODE_LOCAL_DNS_LABEL] === 'true';
}

/** Its ports 53 go to the node's DNS while it serves; the other ports, and all of them until then, have no endpoint. */
function localDnsEndpoints(port: ServicePort, dns: LocalDns | undefined): ServiceEndpoint[] {
  const protocol = port.protocol ?? 'TCP';
  if (!dns || port.port !== 53 || (protocol !== 'UDP' && protocol !== 'TCP')) return [];
  return [{ ip: dns.ip, port: dns.port, ready: true, local: true }];
}

function modelOf(service: Service, port: ServicePort, slices: EndpointSlice[], nodeName: string, dns: LocalDns | undefined): ServicePortModel {
  const protocol = port.protocol ?? 'TCP';
  const portName = port.name ?? '';
  const hasNodePort = service.spec.type === 'NodePort' || service.spec.type === 'LoadBalancer';
  return {
    namespace: service.metadata.namespace ?? 'default',
    name: service.metadata.name ?? '',
    portName,
    protocol,
    clusterIP: service.spec.clusterIP ?? '',
    port: port.port,
    nodePort: hasNodePort ? port.nodePort ?? 0 : 0,
    externalIPs: service.spec.externalIPs ?? [],
    loadBalancerIPs: loadBalancerIPs(service),
    affinityTimeoutSeconds: affinityTimeout(service),
    externalTrafficPolicyLocal: service.spec.externalTrafficPolicy === 'Local',
    internalTrafficPolicyLocal: service.spec.internalTrafficPolicy === 'Local',
    endpoints: isNodeLocalDns(service) ? localDnsEndpoints(port, dns) : endpointsFor(slices, portName, protocol, nodeName),
  };
}

/**
 * Every proxied service port of these services, with its endpoints as seen from `nodeName`;
 * the node-local kube-dns Service's go to `dns`, this node's own cluster DNS.
 */
export function servicePortsFrom(services: Service[], slices: EndpointSlice[], nodeName: string, dns?: LocalDns): ServicePortModel[] {
  return services.filter(isProxied).flatMap((svc) => {
    const own = slicesOf(svc, slices);
    return (svc.spec.ports ?? []).map((port) => modelOf(svc, port, own, nodeName, dns));
  });
}
