/**
 * The `kubernetes` Service's Endpoints and EndpointSlice as the set of live control-plane
 * replicas, as kube-apiserver's lease endpoint reconciler keeps them (`--endpoint-reconciler-type
 * lease`): each replica records its API address under its own etcd lease (replica-address-record.ts,
 * Kubernetes' `/registry/masterleases/`), and every replica rewrites the addresses to exactly the
 * recorded ones, itself included, when a record comes or goes and every 10 s. A replica that dies
 * leaves the Service once its lease expires. Writes only what differs, so replicas agreeing write
 * nothing; the objects exist already (ensure-kubernetes-service.ts).
 */
import type { EndpointSlice, Endpoints } from '../../../api/service-v1';
import type { Registry } from '../registry';
import { ENDPOINT_SLICES, ENDPOINTS } from '../kinds';
import type { ApiServerEndpoint } from './ensure-kubernetes-service';

const NAMESPACE = 'default';
const NAME = 'kubernetes';

/** Kubernetes' endpoint reconciler looks again this often even when nothing changed. */
export const KUBERNETES_ENDPOINTS_RESYNC_MS = 10_000;

/**
 * What is written, the same whichever replica computes it: each address once, sorted, and one
 * port, the lowest (replicas serve the API on one port, as Kubernetes assumes; replicas sharing
 * an address on different ports, as tests run them, must not take turns rewriting it).
 */
function canonical(live: readonly ApiServerEndpoint[]): { addresses: string[]; port: number } {
  return { addresses: [...new Set(live.map((e) => e.address))].sort(), port: Math.min(...live.map((e) => e.port)) };
}

function endpointsFor(current: Endpoints, live: { addresses: string[]; port: number }): Endpoints | undefined {
  const ports = [{ name: 'https', port: live.port, protocol: 'TCP' as const }];
  const subsets = [{ addresses: live.addresses.map((ip) => ({ ip })), ports }];
  return JSON.stringify(current.subsets) === JSON.stringify(subsets) ? undefined : { ...current, subsets };
}

function sliceFor(current: EndpointSlice, live: { addresses: string[]; port: number }): EndpointSlice | undefined {
  const ports = [{ name: 'https', port: live.port, protocol: 'TCP' as const }];
  const endpoints = live.addresses.map((address) => ({ addresses: [address], conditions: { ready: true } }));
  const same = JSON.stringify(current.endpoints) === JSON.stringify(endpoints) && JSON.stringify(current.ports) === JSON.stringify(ports);
  return same ? undefined : { ...current, endpoints, ports };
}

/** Sets both objects to exactly `live` (this replica's own address must be among them); nothing when empty. */
export async function reconcileKubernetesEndpoints(registry: Registry, live: readonly ApiServerEndpoint[]): Promise<void> {
  if (live.length === 0) return;
  const desired = canonical(live);
  await registry.guaranteedUpdate<Endpoints>(ENDPOINTS, NAMESPACE, NAME, (current) => endpointsFor(current, desired));
  await registry.guaranteedUpdate<EndpointSlice>(ENDPOINT_SLICES, NAMESPACE, NAME, (current) => sliceFor(current, desired));
}
