/**
 * The root-ca-cert-publisher's decision (pkg/controller/certificates/rootcacertpublisher):
 * every active namespace holds the ConfigMap `kube-root-ca.crt` whose `ca.crt` is the cluster
 * CA, with Kubernetes' description annotation; a changed or deleted one is put back.
 */
import type { ConfigMap } from '../../api/config-v1';
import type { Namespace } from '../../api/core-v1';
import { ROOT_CA_CONFIG_MAP, ROOT_CA_KEY } from '../../api/service-account';
import { isTerminating } from '../registry/namespace-lifecycle';

export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export type RootCaStep = { op: 'none' } | { op: 'create'; configMap: ConfigMap } | { op: 'update'; configMap: ConfigMap };

export function planRootCaConfigMap(ns: Namespace | undefined, existing: ConfigMap | undefined, caPem: string): RootCaStep {
  if (!ns || isTerminating(ns)) return { op: 'none' };
  const data = { [ROOT_CA_KEY]: caPem };
  if (!existing) {
    const metadata = { name: ROOT_CA_CONFIG_MAP, namespace: ns.metadata.name, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } };
    return { op: 'create', configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data } };
  }
  const described = existing.metadata.annotations?.[DESCRIPTION_ANNOTATION] === DESCRIPTION;
  const same = existing.data?.[ROOT_CA_KEY] === caPem && Object.keys(existing.data ?? {}).length === 1 && !existing.binaryData;
  if (same && described) return { op: 'none' };
  const updated = structuredClone(existing);
  updated.data = data;
  delete updated.binaryData;
  updated.metadata.annotations = { ...updated.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION };
  return { op: 'update', configMap: updated };
}
