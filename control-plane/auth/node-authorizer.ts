/**
 * Kubernetes' Node authorizer (plugin/pkg/auth/authorizer/node, 1.32 with
 * AuthorizeNodeWithSelectors): what a node's agent (`system:node:<name>` in `system:nodes`) may
 * do through the API. It reads its own Node, the pods bound to it and the Secrets, ConfigMaps,
 * claims and volumes those pods use; it writes its own Node and its status, its pods' status,
 * evictions and deletions of its pods, and events. Which objects a node may read is asked of the
 * node view (node-view.ts), the one filter the object feed to its agent also uses, so the API and
 * the feed never disagree. Everything else has no opinion (RBAC is asked next, as with
 * `--authorization-mode=Node,RBAC`); the default `system:node` binding is not made (Kubernetes ≥ 1.8).
 * https://kubernetes.io/docs/reference/access-authn-authz/node/
 */
import type { KubeObject } from '../../api/meta';
import { nodeIdentity } from './node-certificate';
import { nodeMayRead, type ViewEntry } from '../nodes/node-view';
import { NO_OPINION, type AuthorizationResult, type Authorizer, type RequestAttributes } from './authorizer';
import { rulesAllow } from './rbac/policy-rule';
import type { PolicyRule } from '../../api/rbac-v1';

/** Namespace of the node Leases. */
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });

/**
 * The resources not subdivided per node (bootstrappolicy.NodeRules, less what pikube does not
 * serve): reviews, services to read, events to write, CSRs for certificate rotation. pikube's
 * agent is also its kube-proxy, so EndpointSlices are read as system:node-proxier reads them;
 * the feed sends both to every node.
 */
const NODE_RULES: readonly PolicyRule[] = [
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
  rule(['get', 'list', 'watch'], [''], ['services']),
  rule(['get', 'list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
  rule(['get'], [''], ['endpoints']),
  rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
  rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
];

const ALLOW: AuthorizationResult = { decision: 'allow', reason: '' };
const noOpinion = (reason: string): AuthorizationResult => ({ decision: 'noOpinion', reason });

/** A decision on one resource for node `node`. */
type ResourceRule = (node: string, a: RequestAttributes, view: readonly ViewEntry[]) => AuthorizationResult;

/** Whether the object the request names is one the node view shows the node (the authorizer graph's path). */
function related(node: string, a: RequestAttributes, view: readonly ViewEntry[], resource: string): AuthorizationResult {
  if (a.name === '') return noOpinion('No Object name found');
  const entry = view.find((e) => e.resource === resource);
  const object: KubeObject | undefined = entry?.cache.get(a.namespace ? `${a.namespace}/${a.name}` : a.name);
  if (object && nodeMayRead(view, node, resource, object)) return ALLOW;
  return noOpinion(`no relationship found between node '${node}' and this object`);
}

/** Secrets and ConfigMaps: get, list and watch of one named object (authorizeReadNamespacedObject). */
const readNamespacedObject: ResourceRule = (node, a, view) => {
  if (!['get', 'list', 'watch'].includes(a.verb)) return noOpinion('can only read resources of this type');
  if (a.subresource) return noOpinion('cannot read subresource');
  if (!a.namespace) return noOpinion('can only read namespaced object of this type');
  return related(node, a, view, a.resource);
};

/** Claims and volumes: get only (authorizeGet). */
const getOnly: ResourceRule = (node, a, view) => {
  if (a.verb !== 'get') return noOpinion('can only get individual resources of this type');
  if (a.subresource) return noOpinion('cannot get subresource');
  return related(node, a, view, a.resource);
};

/** Its own Node (authorizeNode): read by name, update and patch it and its status; create is checked by NodeRestriction (node-restriction.ts). */
const nodes: ResourceRule = (node, a) => {
  const own = a.name === node;
  if (a.subresource === '' && a.verb === 'create') return ALLOW;
  if (a.subresource === '' && ['get', 'list', 'watch'].includes(a.verb)) {
    if (own) return ALLOW;
    return noOpinion(a.name === '' ? `node '${node}' cannot read all nodes, only its own Node object` : `node '${node}' cannot read '${a.name}', only its own Node object`);
  }
  const writable = (a.subresource === '' || a.subresource === 'status') && ['update', 'patch'].includes(a.verb);
  if (writable && own) return ALLOW;
  if (writable) return noOpinion(`node '${node}' is not allowed to modify node '${a.name}'`);
  return NO_OPINION;
};

/** Pods bound to it (authorizePod with NodeRestriction's checks, which the pod cache answers here). */
const pods: ResourceRule = (node, a, view) => {
  if (a.subresource === '' && (a.verb === 'list' || a.verb === 'watch')) {
    if ((a.fieldSelector ?? []).some((r) => r.field === 'spec.nodeName' && r.operator !== '!=' && r.value === node)) return ALLOW;
    if (a.name !== '') return related(node, a, view, 'pods');
    return noOpinion('can only list/watch pods with spec.nodeName field selector');
  }
  if (a.subresource === '' && a.verb === 'create') return noOpinion(`node '${node}' can only create mirror pods, and pikube runs no static pods`);
  const mine = (a.subresource === '' && (a.verb === 'get' || a.verb === 'delete'))
    || (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch'))
    || (a.subresource === 'eviction' && a.verb === 'create');
  return mine ? related(node, a, view, 'pods') : NO_OPINION;
};

/** Its own node Lease in kube-node-lease (authorizeLease). */
const leases: ResourceRule = (node, a) => {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
  if (a.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  if (a.verb !== 'create' && a.name !== node) return noOpinion('can only access node lease with the same name as the requesting node');
  return ALLOW;
};

/**
 * Tokens: not through the API. An agent asks the node service (pod-token-service.ts), which
 * binds each token to a pod bound to the node, as NodeRestriction requires of a TokenRequest.
 */
const serviceAccounts: ResourceRule = () => noOpinion('nodes request service account tokens through the node service, bound to their own pods');

const RESOURCE_RULES: Readonly<Record<string, ResourceRule>> = {
  '/secrets': readNamespacedObject,
  '/configmaps': readNamespacedObject,
  '/persistentvolumeclaims': getOnly,
  '/persistentvolumes': getOnly,
  '/nodes': nodes,
  '/pods': pods,
  '/serviceaccounts': serviceAccounts,
  'coordination.k8s.io/leases': leases,
};

/** The Node authorizer over the node view; anyone not a node gets no opinion. */
export function nodeAuthorizer(view: readonly ViewEntry[]): Authorizer {
  return {
    authorize(a) {
      const node = nodeIdentity(a.user);
      if (node === undefined) return NO_OPINION;
      if (node === '') return noOpinion(`unknown node for user "${a.user.name}"`);
      const subdivided = a.resourceRequest ? RESOURCE_RULES[`${a.apiGroup}/${a.resource}`] : undefined;
      if (subdivided) return subdivided(node, a, view);
      return rulesAllow(a, NODE_RULES) ? ALLOW : NO_OPINION;
    },
  };
}
