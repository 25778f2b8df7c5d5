/**
 * The objects the network-programming benchmark writes: selectorless Services (so no
 * controller writes their endpoints) and EndpointSlices managed by the benchmark itself, as a
 * user or an external controller would write them (discovery.k8s.io/v1, tied to the service
 * by the kubernetes.io/service-name label). Endpoint addresses need not exist: only the rules
 * are measured, no traffic is sent.
 */
import type { EndpointSlice, Service } from '../../api/service-v1';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../api/service-v1';

export const NAMESPACE = 'default';
export const PORT_NAME = 'http';
export const TARGET_PORT = 8080;
export const BENCH_LABEL = { bench: 'network-programming' };
const MANAGED_BY = 'network-programming-bench.pikube.io';

export interface BenchEndpoint {
  ip: string;
  ready: boolean;
}

/** `ns/svc:http`, the service port name the agent's rule comments carry. */
export function servicePortName(service: string): string {
  return `${NAMESPACE}/${service}:${PORT_NAME}`;
}

/**
 * The j-th address (0-based, up to 63,999) of a block: 10.<block>.<j / 250>.<j % 250 + 1>.
 * Blocks are chosen outside the cluster's pod (10.42/16) and service (10.43/16) ranges.
 */
export function endpointAddress(block: number, j: number): string {
  if (!Number.isInteger(j) || j < 0 || j >= 64_000) throw new Error(`endpoint index ${j} out of range`);
  return `10.${block}.${Math.floor(j / 250)}.${(j % 250) + 1}`;
}

export function benchService(name: string): Service {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NAMESPACE, labels: { ...BENCH_LABEL } },
    spec: { type: 'ClusterIP', ports: [{ name: PORT_NAME, port: 80, targetPort: TARGET_PORT, protocol: 'TCP' }] },
  };
}

export function benchSlice(service: string, endpoints: BenchEndpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${service}-bench`, namespace: NAMESPACE, labels: { ...BENCH_LABEL, [SERVICE_NAME_LABEL]: service, [MANAGED_BY_LABEL]: MANAGED_BY } },
    addressType: 'IPv4',
    ports: [{ name: PORT_NAME, port: TARGET_PORT, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready, serving: e.ready, terminating: false } })),
  };
}

export const SERVICES_PATH = `/api/v1/namespaces/${NAMESPACE}/services`;
export const SLICES_PATH = `/apis/discovery.k8s.io/v1/namespaces/${NAMESPACE}/endpointslices`;

export function slicePath(slice: EndpointSlice): string {
  return `${SLICES_PATH}/${slice.metadata.name ?? ''}`;
}
