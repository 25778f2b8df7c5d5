/**
 * Service defaults, as Kubernetes' SetDefaults_Service plus the service REST's IP-family
 * defaulting on a single-stack IPv4 cluster: type ClusterIP, sessionAffinity None, port
 * protocol TCP, targetPort = port, clusterIP/clusterIPs kept in step, ipFamilies [IPv4] and
 * SingleStack, internalTrafficPolicy Cluster, externalTrafficPolicy Cluster where traffic comes
 * from outside (NodePort, LoadBalancer, externalIPs), allocateLoadBalancerNodePorts for
 * LoadBalancer.
 */
import type { Service, ServicePort, ServiceSpec } from '../service-v1';

const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

/** Whether the service has a node port per port (NodePort, LoadBalancer unless turned off). */
export function needsNodePorts(spec: ServiceSpec): boolean {
  if (spec.type === 'NodePort') return true;
  return spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

/** Whether the service has (or gets) a cluster IP: not ExternalName, not headless. */
export function needsClusterIp(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

/** ExternalPolicyForService: traffic may arrive from outside the cluster. */
export function hasExternalTraffic(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.externalIPs ?? []).length > 0;
}

function defaultPort(port: ServicePort): ServicePort {
  const out: ServicePort = { ...port, protocol: port.protocol || 'TCP' };
  if (out.targetPort === undefined || out.targetPort === 0 || out.targetPort === '') out.targetPort = port.port;
  return out;
}

function defaultClusterIps(spec: ServiceSpec): void {
  if (spec.clusterIP && !(spec.clusterIPs ?? []).length) spec.clusterIPs = [spec.clusterIP];
  if (!spec.clusterIP && (spec.clusterIPs ?? []).length) spec.clusterIP = spec.clusterIPs?.[0];
}

function defaultPolicies(spec: ServiceSpec): void {
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ??= 'Cluster';
    if (!(spec.ipFamilies ?? []).length) spec.ipFamilies = ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  if (hasExternalTraffic(spec)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** Returns a defaulted copy. */
export function defaultService(service: Service): Service {
  const out = structuredClone(service);
  const spec: ServiceSpec = (out.spec ??= {});
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'ClientIP' && !spec.sessionAffinityConfig?.clientIP?.timeoutSeconds) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
  }
  if (spec.ports) spec.ports = spec.ports.map(defaultPort);
  defaultClusterIps(spec);
  defaultPolicies(spec);
  return out;
}
