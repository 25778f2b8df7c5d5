/**
 * kubeadm's discovery document: the ConfigMap `cluster-info` in `kube-public`, whose
 * `kubeconfig` names the API server and carries the cluster CA (no user). A joining node
 * reads it before it trusts anything (the API server answers it to anyone, as kubeadm's RBAC
 * Role for system:anonymous allows), pins the CA by its hash, and checks the `jws-kubeconfig-<id>`
 * signature its token makes (bootstrap-signer.ts).
 * https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/#make-your-cluster-info-available
 */
import type { ConfigMap } from '../../api/config-v1';
import { isApiError } from '../../api/errors';
import { stringify } from 'yaml';
import type { Registry } from '../registry/registry';

export const CLUSTER_INFO_NAMESPACE = 'kube-public';
export const CLUSTER_INFO_NAME = 'cluster-info';
export const CLUSTER_INFO_PATH = `/api/v1/namespaces/${CLUSTER_INFO_NAMESPACE}/configmaps/${CLUSTER_INFO_NAME}`;

/** The kubeconfig of cluster-info: one cluster, named "", no users or contexts (as kubeadm writes it). */
export function clusterInfoKubeconfig(server: string, caCertPem: string): string {
  const cluster = { server, 'certificate-authority-data': Buffer.from(caCertPem, 'utf8').toString('base64') };
  return stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: '', cluster }], contexts: null, 'current-context': '', preferences: {}, users: null }, { lineWidth: 0 });
}

/**
 * Creates cluster-info when missing; rewrites its kubeconfig only when it carries another CA
 * (several replicas start with one CA: the first one's address stays, as kubeadm's
 * controlPlaneEndpoint would).
 */
export async function ensureClusterInfo(registry: Registry, server: string, caCertPem: string): Promise<void> {
  const kubeconfig = clusterInfoKubeconfig(server, caCertPem);
  const current = await registry.get<ConfigMap>('configmaps', CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME).catch((err: unknown) => {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  });
  const body: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CLUSTER_INFO_NAME, namespace: CLUSTER_INFO_NAMESPACE }, data: { kubeconfig } };
  if (!current) {
    await registry.create('configmaps', CLUSTER_INFO_NAMESPACE, body).catch((err: unknown) => {
      if (!isApiError(err, 'AlreadyExists')) throw err;
    });
    return;
  }
  if (current.data?.kubeconfig?.includes(Buffer.from(caCertPem, 'utf8').toString('base64'))) return;
  await registry.update('configmaps', CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME, { ...current, data: { ...current.data, kubeconfig } });
}
