/**
 * Whitelists for everything user-supplied that reaches an iptables rule (STYLE.md rule 13):
 * IPv4 addresses, ports, protocols, and the names that end up in rule comments. A service port
 * or host port failing any check is left out of the rule set with a reason; nothing is escaped
 * or repaired.
 */
import type { HostPortMapping } from './host-port-model';
import type { ServiceEndpoint, ServicePortModel } from './service-model';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** DNS-1123 subdomain (Service and namespace names are labels, but subdomains are also safe). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** IANA_SVC_NAME as ServicePort.name allows (plus DNS label length). */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);
/** ClientIP affinity: Kubernetes allows 1..86400 seconds. */
const MAX_AFFINITY_SECONDS = 86_400;

export function isIPv4(value: unknown): value is string {
  return typeof value === 'string' && IPV4.test(value);
}

/** An IPv4 CIDR like 10.42.0.0/16. */
export function isIPv4Cidr(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const [ip, bits, extra] = value.split('/');
  return extra === undefined && isIPv4(ip) && /^(3[0-2]|[12]?\d)$/.test(bits ?? '');
}

export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65_535;
}

function endpointProblem(ep: ServiceEndpoint): string | undefined {
  if (!isIPv4(ep.ip)) return `endpoint ip ${JSON.stringify(ep.ip)} is not an IPv4 address`;
  if (!isPort(ep.port)) return `endpoint port ${JSON.stringify(ep.port)} is not a port`;
  return undefined;
}

function nameProblem(sp: ServicePortModel): string | undefined {
  if (!DNS_LABEL.test(sp.namespace)) return `namespace ${JSON.stringify(sp.namespace)} is not a DNS label`;
  if (!DNS_SUBDOMAIN.test(sp.name)) return `name ${JSON.stringify(sp.name)} is not a DNS subdomain`;
  if (sp.portName !== '' && !PORT_NAME.test(sp.portName)) return `port name ${JSON.stringify(sp.portName)} is invalid`;
  return undefined;
}

function addressProblem(sp: ServicePortModel): string | undefined {
  if (!isIPv4(sp.clusterIP)) return `clusterIP ${JSON.stringify(sp.clusterIP)} is not an IPv4 address`;
  const bad = [...sp.externalIPs, ...sp.loadBalancerIPs].find((ip) => !isIPv4(ip));
  return bad === undefined ? undefined : `address ${JSON.stringify(bad)} is not an IPv4 address`;
}

function portProblem(sp: ServicePortModel): string | undefined {
  if (!PROTOCOLS.has(sp.protocol)) return `protocol ${JSON.stringify(sp.protocol)} is not TCP, UDP or SCTP`;
  if (!isPort(sp.port)) return `port ${JSON.stringify(sp.port)} is not a port`;
  if (sp.nodePort !== 0 && !isPort(sp.nodePort)) return `nodePort ${JSON.stringify(sp.nodePort)} is not a port`;
  const t = sp.affinityTimeoutSeconds;
  if (t !== undefined && !(Number.isInteger(t) && t >= 1 && t <= MAX_AFFINITY_SECONDS)) return `affinity timeout ${JSON.stringify(t)} is out of range`;
  return undefined;
}

/** Why this service port may not reach a rule, or undefined when every field passes. */
export function servicePortProblem(sp: ServicePortModel): string | undefined {
  return nameProblem(sp) ?? addressProblem(sp) ?? portProblem(sp) ?? sp.endpoints.map(endpointProblem).find((p) => p !== undefined);
}

/** Why this host port may not reach a rule (SCTP is refused at validation, so never published). */
export function hostPortProblem(m: HostPortMapping): string | undefined {
  const [namespace = '', name = '', extra] = m.pod.split('/');
  if (extra !== undefined || !DNS_LABEL.test(namespace) || !DNS_SUBDOMAIN.test(name)) return `pod ${JSON.stringify(m.pod)} is not namespace/name`;
  if (!isIPv4(m.podIP)) return `pod IP ${JSON.stringify(m.podIP)} is not an IPv4 address`;
  if (m.hostIP !== '' && !isIPv4(m.hostIP)) return `hostIP ${JSON.stringify(m.hostIP)} is not an IPv4 address`;
  if (m.protocol !== 'TCP' && m.protocol !== 'UDP') return `protocol ${JSON.stringify(m.protocol)} is not TCP or UDP`;
  if (!isPort(m.hostPort) || !isPort(m.containerPort)) return `port ${JSON.stringify(m.hostPort)} -> ${JSON.stringify(m.containerPort)} is not a pair of ports`;
  return undefined;
}
