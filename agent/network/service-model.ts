/**
 * The small model the rule renderer takes: one entry per service port, with its endpoints
 * already resolved (kube-proxy's ServicePort + Endpoint). Built from core/v1 Services and
 * discovery.k8s.io/v1 EndpointSlices by `service-ports.ts`, or directly by tests.
 */
export type ServiceProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServiceEndpoint {
  ip: string;
  port: number;
  /** EndpointConditions.ready; only ready endpoints receive traffic. */
  ready: boolean;
  /** The endpoint runs on this node (its nodeName is ours). */
  local: boolean;
}

export interface ServicePortModel {
  namespace: string;
  name: string;
  /** ServicePort.name; '' for an unnamed single port. */
  portName: string;
  protocol: ServiceProtocol;
  clusterIP: string;
  port: number;
  /** 0 when the service has no node port. */
  nodePort: number;
  externalIPs: string[];
  /** status.loadBalancer.ingress IPs (on bare metal: the node addresses). */
  loadBalancerIPs: string[];
  /** sessionAffinity ClientIP: sessionAffinityConfig.clientIP.timeoutSeconds; undefined for None. */
  affinityTimeoutSeconds?: number;
  externalTrafficPolicyLocal: boolean;
  internalTrafficPolicyLocal: boolean;
  endpoints: ServiceEndpoint[];
}

/** kube-proxy's ServicePortName.String(): `namespace/name` plus `:port` when the port is named. */
export function servicePortName(sp: Pick<ServicePortModel, 'namespace' | 'name' | 'portName'>): string {
  return `${sp.namespace}/${sp.name}${sp.portName === '' ? '' : `:${sp.portName}`}`;
}

/** Reachable from outside the cluster: through a node port, a load-balancer IP or an external IP. */
export function externallyAccessible(sp: ServicePortModel): boolean {
  return sp.nodePort !== 0 || sp.loadBalancerIPs.length > 0 || sp.externalIPs.length > 0;
}

/** externalTrafficPolicy Local only means something for an externally accessible port. */
export function externalPolicyLocal(sp: ServicePortModel): boolean {
  return externallyAccessible(sp) && sp.externalTrafficPolicyLocal;
}

/** Cluster endpoints are also needed under ETP Local, for the short-circuit of local traffic. */
export function usesClusterEndpoints(sp: ServicePortModel): boolean {
  return !sp.internalTrafficPolicyLocal || externallyAccessible(sp);
}

export function usesLocalEndpoints(sp: ServicePortModel): boolean {
  return sp.internalTrafficPolicyLocal || externalPolicyLocal(sp);
}
