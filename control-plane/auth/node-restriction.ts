/**
 * Kubernetes' NodeRestriction admission for Node objects written through the API by a node
 * (plugin/pkg/admission/noderestriction, admitNode): a node creates and updates only its own
 * Node, may not change its taints, and may not set labels that steer workloads to it (the
 * `node-restriction.kubernetes.io/` namespace, and `kubernetes.io`/`k8s.io` labels other than
 * the kubelet's own). The Node authorizer (node-authorizer.ts) already keeps a node's updates
 * to its own name; a create names its object in the body, so it is checked here.
 */
import type { Node } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import { nodeIdentity } from './node-certificate';
import type { Requester } from './requester';

/** The labels a kubelet sets itself (k8s.io/kubelet/pkg/apis IsKubeletLabel). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
  'topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
  'node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

const labelNamespace = (key: string): string => (key.includes('/') ? key.slice(0, key.indexOf('/')) : '');
const inDomain = (ns: string, domain: string): boolean => ns === domain || ns.endsWith(`.${domain}`);

function isKubeletLabel(key: string): boolean {
  return KUBELET_LABELS.has(key) || KUBELET_LABEL_NAMESPACES.some((d) => inDomain(labelNamespace(key), d));
}

/** Labels a node may not add, change or remove on its own Node (getForbiddenLabels), sorted. */
export function forbiddenNodeLabels(next: Record<string, string> | undefined, current: Record<string, string> | undefined): string[] {
  const a = next ?? {};
  const b = current ?? {};
  const modified = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
  return modified.filter((k) => {
    const ns = labelNamespace(k);
    if (inDomain(ns, 'node-restriction.kubernetes.io')) return true;
    return (inDomain(ns, 'kubernetes.io') || inDomain(ns, 'k8s.io')) && !isKubeletLabel(k);
  }).sort();
}

function forbidden(name: string, reason: string): ApiError {
  return new ApiError('Forbidden', `nodes "${name}" is forbidden: ${reason}`, { kind: 'nodes', name });
}

/** The Node kind's requester check: nothing for anyone but a node. */
export function admitNodeWrite(requester: Requester, next: Node, current: Node | undefined): void {
  const node = nodeIdentity(requester.user);
  if (node === undefined) return;
  const name = next.metadata.name ?? '';
  if (name !== node) throw forbidden(name, `node "${node}" is not allowed to modify node "${name}"`);
  const labels = forbiddenNodeLabels(next.metadata.labels, current?.metadata.labels);
  if (!current) {
    if (labels.length > 0) throw forbidden(name, `node "${node}" is not allowed to set the following labels: ${labels.join(', ')}`);
    return;
  }
  if (JSON.stringify(next.spec?.taints ?? []) !== JSON.stringify(current.spec?.taints ?? [])) throw forbidden(name, `node "${node}" is not allowed to modify taints`);
  if (labels.length > 0) throw forbidden(name, `is not allowed to modify labels: ${labels.join(', ')}`);
}
