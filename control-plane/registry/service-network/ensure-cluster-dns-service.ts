/**
 * The `kube-dns` Service in `kube-system`, which images, charts and course notes expect: the
 * tenth address of the service range (as kubeadm and k3s place it), ports 53 over UDP and TCP,
 * with the labels CoreDNS's Service carries. It has no selector and no endpoints: every agent
 * sends its traffic to the cluster DNS it serves itself on its pod bridge (the node-local DNS
 * the pods' resolv.conf names), so it answers on every node, also while the control plane is
 * away. The agents know it by its namespace and `NODE_LOCAL_DNS_LABEL`.
 *
 * Created once at start by every replica, never overwritten: a user may edit or delete it
 * (it comes back at the next start). When the address is taken by another Service or is
 * outside a small range, the start goes on without it and says why.
 */
import { isApiError } from '../../../api/errors';
import { NODE_LOCAL_DNS_LABEL, type Service } from '../../../api/service-v1';
import type { Registry } from '../registry';
import { SERVICES } from '../kinds';
import { clusterDnsServiceIp } from './ip-range';

export const CLUSTER_DNS_NAMESPACE = 'kube-system';
export const CLUSTER_DNS_NAME = 'kube-dns';

export function clusterDnsService(ip: string): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name: CLUSTER_DNS_NAME, namespace: CLUSTER_DNS_NAMESPACE,
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS', [NODE_LOCAL_DNS_LABEL]: 'true' },
    },
    spec: {
      type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], sessionAffinity: 'None',
      ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }],
    },
  };
}

/** Creates the Service if missing; returns why it could not, if it could not. */
export async function ensureClusterDnsService(registry: Registry): Promise<string | undefined> {
  const ip = clusterDnsServiceIp(registry.companionOf(SERVICES).ipRange);
  if (ip === undefined) return `no kube-dns Service: the service range ${registry.companionOf(SERVICES).ipRange.cidr} has no tenth address`;
  try {
    await registry.create(SERVICES.resource, CLUSTER_DNS_NAMESPACE, clusterDnsService(ip));
    return undefined;
  } catch (err: unknown) {
    if (isApiError(err, 'AlreadyExists')) return undefined;
    if (isApiError(err, 'Invalid')) return `no kube-dns Service at ${ip}: ${(err as Error).message}`;
    throw err;
  }
}
