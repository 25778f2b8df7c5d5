/**
 * Endpoints and EndpointSlice validation (Kubernetes' ValidateEndpoints,
 * ValidateEndpointSlice, v1.32): addresses are IPs of the right family, ports are valid
 * numbers with supported protocols and names (required when there are several).
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { EndpointPort, EndpointSlice, Endpoints, SlicePort } from '../service-v1';
import { duplicate, invalid, notSupported, required, type FieldCause } from './field-errors';
import { child, index } from './field-path';
import { isDNS1123Label, isValidPortNum, nameIsDNSSubdomain } from './names';
import { validateObjectMeta } from './object-meta';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const IP_ADDRESS_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const MAX_SLICE_ADDRESSES = 100;

export function validateEndpoints(ep: Endpoints): FieldCause[] {
  const causes = validateObjectMeta(ep.metadata ?? {}, true, nameIsDNSSubdomain);
  (ep.subsets ?? []).forEach((subset, i) => {
    const path = index('subsets', i);
    const addresses = [...(subset.addresses ?? []).map((a, j) => ({ a, p: index(child(path, 'addresses'), j) })),
      ...(subset.notReadyAddresses ?? []).map((a, j) => ({ a, p: index(child(path, 'notReadyAddresses'), j) }))];
    for (const { a, p } of addresses) if (!isIP(a.ip ?? '')) causes.push(invalid(child(p, 'ip'), a.ip ?? '', IP_ADDRESS_MSG));
    causes.push(...validatePorts(subset.ports ?? [], child(path, 'ports')));
  });
  return causes;
}

function validatePorts(ports: (EndpointPort | SlicePort)[], path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = index(path, i);
    if (ports.length > 1 && !port.name && path.startsWith('subsets')) causes.push(required(child(p, 'name')));
    if (port.name) causes.push(...isDNS1123Label(port.name).map((m) => invalid(child(p, 'name'), port.name, m)));
    if (port.name && names.has(port.name)) causes.push(duplicate(child(p, 'name'), port.name));
    if (port.name) names.add(port.name);
    causes.push(...isValidPortNum(port.port ?? 0).map((m) => invalid(child(p, 'port'), port.port ?? 0, m)));
    if (!PROTOCOLS.includes(port.protocol ?? '')) causes.push(notSupported(child(p, 'protocol'), port.protocol ?? '', PROTOCOLS));
  });
  return causes;
}

export function validateEndpointSlice(slice: EndpointSlice): FieldCause[] {
  const causes = validateObjectMeta(slice.metadata ?? {}, true, nameIsDNSSubdomain);
  if (!ADDRESS_TYPES.includes(slice.addressType ?? '')) causes.push(notSupported('addressType', slice.addressType ?? '', ADDRESS_TYPES));
  (slice.endpoints ?? []).forEach((endpoint, i) => {
    const path = child(index('endpoints', i), 'addresses');
    const addresses = endpoint.addresses ?? [];
    if (addresses.length === 0 || addresses.length > MAX_SLICE_ADDRESSES) causes.push(required(path, `must contain at least 1 address but no more than ${MAX_SLICE_ADDRESSES}`));
    addresses.forEach((a, j) => causes.push(...validateSliceAddress(a, index(path, j), slice.addressType)));
  });
  causes.push(...validatePorts(slice.ports ?? [], 'ports'));
  return causes;
}

function validateSliceAddress(address: string, path: string, type: EndpointSlice['addressType']): FieldCause[] {
  if (type === 'IPv4' && !isIPv4(address)) return [invalid(path, address, 'must be a valid IPv4 address')];
  if (type === 'IPv6' && !isIPv6(address)) return [invalid(path, address, 'must be a valid IPv6 address')];
  return [];
}
