/**
 * The `kubernetes` Service in `default`, as kube-apiserver's bootstrap controller keeps it:
 * the first IP of the service range, port 443 (`https`) to each API server's advertise address
 * and secure port, with its Endpoints and EndpointSlice. Run by every replica at start; each
 * adds its own address, so clients reach whichever replica they land on.
 */
import { isApiError } from '../../../api/errors';
import type { EndpointSlice, Endpoints, Service } from '../../../api/service-v1';
import { SERVICE_NAME_LABEL } from '../../../api/service-v1';
import type { Registry } from '../registry';
import { ENDPOINT_SLICES, ENDPOINTS, SERVICES } from '../kinds';
import { kubernetesServiceIp } from './ip-range';

export interface ApiServerEndpoint {
  address: string;
  port: number;
}

const NAMESPACE = 'default';
const NAME = 'kubernetes';
const LABELS = { component: 'apiserver', provider: 'kubernetes' };

function kubernetesService(registry: Registry, endpoint: ApiServerEndpoint): Service {
  const ip = kubernetesServiceIp(registry.companionOf(SERVICES).ipRange);
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: NAME, namespace: NAMESPACE, labels: { ...LABELS } },
    spec: { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: endpoint.port }], sessionAffinity: 'None' },
  };
}

async function createIfMissing(registry: Registry, resource: string, obj: Service | Endpoints | EndpointSlice): Promise<void> {
  try {
    await registry.create(resource, NAMESPACE, obj);
  } catch (err: unknown) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
  }
}

/** Adds this server's address to the Endpoints (other replicas' addresses stay). */
async function ensureEndpoints(registry: Registry, endpoint: ApiServerEndpoint): Promise<void> {
  const ports = [{ name: 'https', port: endpoint.port, protocol: 'TCP' as const }];
  await createIfMissing(registry, ENDPOINTS.resource, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: NAME, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [{ addresses: [{ ip: endpoint.address }], ports }] });
  await registry.guaranteedUpdate<Endpoints>(ENDPOINTS, NAMESPACE, NAME, (current) => {
    const addresses = current.subsets?.[0]?.addresses ?? [];
    if (addresses.some((a) => a.ip === endpoint.address) && current.subsets?.[0]?.ports?.[0]?.port === endpoint.port) return undefined;
    return { ...current, subsets: [{ addresses: [...addresses.filter((a) => a.ip !== endpoint.address), { ip: endpoint.address }], ports }] };
  });
}

async function ensureSlice(registry: Registry, endpoint: ApiServerEndpoint): Promise<void> {
  const ports = [{ name: 'https', port: endpoint.port, protocol: 'TCP' as const }];
  const metadata = { name: NAME, namespace: NAMESPACE, labels: { [SERVICE_NAME_LABEL]: NAME } };
  const mine = { addresses: [endpoint.address], conditions: { ready: true } };
  await createIfMissing(registry, `${ENDPOINT_SLICES.resource}.${ENDPOINT_SLICES.group}`, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: 'IPv4', endpoints: [mine], ports });
  await registry.guaranteedUpdate<EndpointSlice>(ENDPOINT_SLICES, NAMESPACE, NAME, (current) => {
    if (current.endpoints.some((e) => e.addresses.includes(endpoint.address)) && current.ports?.[0]?.port === endpoint.port) return undefined;
    return { ...current, endpoints: [...current.endpoints.filter((e) => !e.addresses.includes(endpoint.address)), mine], ports };
  });
}

/**
 * Idempotent. A replica starting at the same moment creates first (AlreadyExists is taken as
 * done) or changes the same objects (the guaranteed updates read again and add this address).
 */
export async function ensureKubernetesService(registry: Registry, endpoint: ApiServerEndpoint): Promise<void> {
  await createIfMissing(registry, SERVICES.resource, kubernetesService(registry, endpoint));
  await ensureEndpoints(registry, endpoint);
  await ensureSlice(registry, endpoint);
}
