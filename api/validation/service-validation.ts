/**
 * Service validation (Kubernetes' ValidateService / ValidateServiceUpdate, v1.32), after
 * defaulting. Port names are DNS-1123 labels (`kubectl create service --tcp=80` names its port
 * "80"), named target ports IANA service names. Causes carry Kubernetes' field paths and messages. Range checks of cluster IPs
 * and node ports belong to the allocators, which know the configured ranges.
 */
import { isIPv4, isIP } from 'node:net';
import type { Service, ServicePort, ServiceSpec } from '../service-v1';
import { hasExternalTraffic } from '../defaults/service-defaults';
import { duplicate, forbidden, invalid, notSupported, required, type FieldCause } from './field-errors';
import { child, index } from './field-path';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './names';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

const SPEC = 'spec';
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const IP_ADDRESS_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** Go's %#v of a []string, as Kubernetes prints list values in causes. */
export function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(", ")}}`;
}

/** An Invalid cause whose value is a []string. */
export function invalidList(field: string, values: readonly string[], detail: string): FieldCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${goStringSlice(values)}: ${detail}`, field };
}

export function validateService(svc: Service): FieldCause[] {
  const spec = svc.spec ?? {};
  return [
    ...validateObjectMeta(svc.metadata ?? {}, true, nameIsDNS1035Label),
    ...validateType(spec),
    ...validatePorts(spec),
    ...validateLabels(spec.selector, child(SPEC, 'selector')),
    ...validateClusterIps(spec),
    ...validateExternalName(spec),
    ...validatePolicies(spec),
  ];
}

function validateType(spec: ServiceSpec): FieldCause[] {
  if (!TYPES.includes(spec.type ?? '')) return [notSupported(child(SPEC, 'type'), spec.type ?? '', TYPES)];
  if (!AFFINITIES.includes(spec.sessionAffinity ?? '')) return [notSupported(child(SPEC, 'sessionAffinity'), spec.sessionAffinity ?? '', AFFINITIES)];
  return [];
}

function validatePorts(spec: ServiceSpec): FieldCause[] {
  const ports = spec.ports ?? [];
  const path = child(SPEC, 'ports');
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') return [required(path)];
  const causes = ports.flatMap((p, i) => validatePort(p, index(path, i), ports.length > 1, spec));
  return [...causes, ...duplicatePorts(ports, path)];
}

function validatePort(port: ServicePort, path: string, requireName: boolean, spec: ServiceSpec): FieldCause[] {
  const causes: FieldCause[] = [];
  if (requireName && !port.name) causes.push(required(child(path, 'name')));
  else if (port.name) causes.push(...isDNS1123Label(port.name).map((m) => invalid(child(path, 'name'), port.name, m)));
  causes.push(...isValidPortNum(port.port).map((m) => invalid(child(path, 'port'), port.port, m)));
  if (!PROTOCOLS.includes(port.protocol ?? '')) causes.push(notSupported(child(path, 'protocol'), port.protocol ?? '', PROTOCOLS));
  causes.push(...validateTargetPort(port.targetPort, child(path, 'targetPort')));
  causes.push(...validateNodePort(port, child(path, 'nodePort'), spec));
  return causes;
}

function validateTargetPort(target: number | string | undefined, path: string): FieldCause[] {
  if (typeof target === 'string') return isValidPortName(target).map((m) => invalid(path, target, m));
  return isValidPortNum(target ?? 0).map((m) => invalid(path, target ?? 0, m));
}

function validateNodePort(port: ServicePort, path: string, spec: ServiceSpec): FieldCause[] {
  if (!port.nodePort) return [];
  if (spec.type === 'ClusterIP' || spec.type === 'ExternalName') return [forbidden(path, `may not be used when \`type\` is '${spec.type}'`)];
  return isValidPortNum(port.nodePort).map((m) => invalid(path, port.nodePort, m));
}

/** The Go %#v of the ServicePort key Kubernetes reports for a duplicate port/protocol. */
function servicePortKey(port: ServicePort): string {
  return `core.ServicePort{Name:"", Protocol:"${port.protocol ?? ''}", AppProtocol:(*string)(nil), Port:${port.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function duplicatePorts(ports: ServicePort[], path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const [names, keys, nodePorts] = [new Set<string>(), new Set<string>(), new Set<string>()];
  ports.forEach((p, i) => {
    if (p.name && names.has(p.name)) causes.push(duplicate(child(index(path, i), 'name'), p.name));
    const key = `${p.port}/${p.protocol}`;
    if (keys.has(key)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${servicePortKey(p)}`, field: index(path, i) });
    const nodeKey = `${p.nodePort}/${p.protocol}`;
    if (p.nodePort && nodePorts.has(nodeKey)) causes.push(duplicate(child(index(path, i), 'nodePort'), p.nodePort));
    if (p.name) names.add(p.name);
    keys.add(key);
    if (p.nodePort) nodePorts.add(nodeKey);
  });
  return causes;
}

function validateClusterIps(spec: ServiceSpec): FieldCause[] {
  const ips = spec.clusterIPs ?? [];
  const path = child(SPEC, 'clusterIPs');
  if (spec.type === 'ExternalName') return ips.length > 0 || spec.clusterIP ? [forbidden(path, 'may not be set for ExternalName services')] : [];
  const causes: FieldCause[] = [];
  if (ips.length > 0 && (spec.clusterIP ?? '') !== ips[0]) causes.push(invalidList(path, ips, 'first value must match `clusterIP`'));
  if (ips.length > 1) causes.push(invalidList(path, ips, 'may only hold up to 1 values'));
  ips.forEach((ip, i) => causes.push(...validateClusterIp(ip, i, spec)));
  return causes;
}

function validateClusterIp(ip: string, i: number, spec: ServiceSpec): FieldCause[] {
  const path = index(child(SPEC, 'clusterIPs'), i);
  if (ip === 'None' && i === 0) {
    const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    return external ? [invalid(path, ip, `may not be set to 'None' for ${spec.type} services`)] : [];
  }
  if (!isIP(ip)) return [invalid(path, ip, IP_ADDRESS_MSG)];
  return isIPv4(ip) ? [] : [invalid(path, ip, 'expected an IPv4 value as indicated by `ipFamilies[0]`')];
}

function validateExternalName(spec: ServiceSpec): FieldCause[] {
  if (spec.type !== 'ExternalName') return [];
  const path = child(SPEC, 'externalName');
  const name = (spec.externalName ?? '').replace(/\.$/, '');
  if (!name) return [required(path)];
  return isDNS1123Subdomain(name).map((m) => invalid(path, spec.externalName, m));
}

function validatePolicies(spec: ServiceSpec): FieldCause[] {
  const causes: FieldCause[] = [];
  const itp = spec.internalTrafficPolicy;
  if (spec.type !== 'ExternalName' && !TRAFFIC_POLICIES.includes(itp ?? '')) {
    causes.push(itp ? notSupported(child(SPEC, 'internalTrafficPolicy'), itp, TRAFFIC_POLICIES) : required(child(SPEC, 'internalTrafficPolicy')));
  }
  causes.push(...validateExternalTrafficPolicy(spec));
  causes.push(...validateIpFamilies(spec));
  return causes;
}

function validateExternalTrafficPolicy(spec: ServiceSpec): FieldCause[] {
  const etp = spec.externalTrafficPolicy;
  const path = child(SPEC, 'externalTrafficPolicy');
  if (!hasExternalTraffic(spec)) return etp ? [invalid(path, etp, 'may only be set for externally-accessible services')] : [];
  if (!etp) return [required(path)];
  return TRAFFIC_POLICIES.includes(etp) ? [] : [notSupported(path, etp, TRAFFIC_POLICIES)];
}

function validateIpFamilies(spec: ServiceSpec): FieldCause[] {
  if (spec.type === 'ExternalName') return [];
  const causes: FieldCause[] = [];
  const policy = spec.ipFamilyPolicy ?? '';
  if (!IP_FAMILY_POLICIES.includes(policy)) causes.push(notSupported(child(SPEC, 'ipFamilyPolicy'), policy, IP_FAMILY_POLICIES));
  else if (policy === 'RequireDualStack') causes.push(invalid(child(SPEC, 'ipFamilyPolicy'), policy, 'this cluster is not configured for dual-stack services'));
  (spec.ipFamilies ?? []).forEach((family, i) => {
    if (family !== 'IPv4') causes.push(invalid(index(child(SPEC, 'ipFamilies'), i), family, 'not configured on this cluster'));
  });
  return causes;
}

/** ValidateServiceUpdate: metadata rules, cluster IPs fixed once set (unless the type leaves or enters ExternalName). */
export function validateServiceUpdate(next: Service, old: Service): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validateService(next)];
  if (next.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return causes;
  const oldIps = old.spec?.clusterIPs ?? [];
  const newIps = next.spec?.clusterIPs ?? [];
  oldIps.forEach((ip, i) => {
    if (newIps[i] !== ip) causes.push(invalidList(index(child(SPEC, 'clusterIPs'), i), newIps, 'may not change once set'));
  });
  return causes;
}
