/**
 * What one node may read of the cluster: the one filter behind the object feed to its agent
 * (object-feed.ts), and the one a node authorizer is to ask (DESIGN.md Security: "a node may
 * read only what its own pods need"). Each entry names a resource, the cache it is read from
 * and which of its objects a node may read; the entries' order is the order the agent
 * applies a batch in. Adding a kind an agent needs is one entry here and one on the agent
 * (agent/feed/feed-kinds.ts), not a new message.
 *
 * The node's ConfigMaps, Secrets and volumes join as entries once those kinds exist; their
 * `select` will ask the pods cache which of the node's pods use them.
 */
import type { Node, NodeAddress, Pod } from '../../api/core-v1';
import type { KubeObject, ObjectMeta } from '../../api/meta';
import type { EndpointSlice, Service } from '../../api/service-v1';
import { FEED_RESOURCES, type FeedResource } from '../../proto/feed-resources';
import type { Disposable } from '../../base/disposable';
import type { ChangeHandler } from '../store/informer';

/** The part of an informer the view and the feed read. */
export interface ObjectCache<T extends KubeObject> {
  get(key: string): T | undefined;
  list(): T[];
  onChange(handler: ChangeHandler<T>): Disposable;
}

export interface ViewEntry<T extends KubeObject = KubeObject> {
  readonly resource: FeedResource;
  readonly cache: ObjectCache<T>;
  /** Whether node `nodeName` may read `object`. May throw on a malformed object: it is then left out. */
  select(object: T, nodeName: string): boolean;
  /**
   * What the node is shown of an object, when it is not the whole object; the feed then
   * compares what it sent by this rendering rather than the resourceVersion, so an update of
   * fields the node is not shown sends nothing. May throw on a malformed object.
   */
  project?(object: T): KubeObject;
}

/** The shared informers a view reads; a resource whose cache is absent is not part of it. */
export interface NodeViewCaches {
  pods: ObjectCache<Pod>;
  nodes?: ObjectCache<Node>;
  services?: ObjectCache<Service>;
  endpointSlices?: ObjectCache<EndpointSlice>;
}

const everyNode = (): boolean => true;

/** The pods bound to the node (the node authorizer's pod rule; the kubelet watches `spec.nodeName=<node>`). */
function boundTo(pod: Pod, nodeName: string): boolean {
  return pod.spec?.nodeName === nodeName;
}

/**
 * The view, in the order a batch is applied: services and their EndpointSlices first (a
 * pod's service environment variables are computed from them when its containers start),
 * the cluster's nodes (pod network routes), then the node's pods.
 */
export function nodeView(caches: NodeViewCaches): ViewEntry[] {
  const entries: (ViewEntry | undefined)[] = [
    caches.services && { resource: FEED_RESOURCES.services, cache: caches.services, select: everyNode },
    caches.endpointSlices && { resource: FEED_RESOURCES.endpointSlices, cache: caches.endpointSlices, select: everyNode },
    caches.nodes && { resource: FEED_RESOURCES.nodes, cache: caches.nodes, select: everyNode, project: peerNodeOf },
    { resource: FEED_RESOURCES.pods, cache: caches.pods, select: boundTo },
  ];
  return entries.filter((entry): entry is ViewEntry => entry !== undefined);
}

/** May node `nodeName` read `object` of `resource`? No for a resource outside the view or a malformed object. */
export function nodeMayRead(view: readonly ViewEntry[], nodeName: string, resource: string, object: KubeObject): boolean {
  const entry = view.find((e) => e.resource === resource);
  try {
    return entry?.select(object, nodeName) ?? false;
  } catch {
    return false;
  }
}

/**
 * A Node as agents use it (agent/network/peer-nodes.ts routes each other node's pod CIDR via
 * its InternalIP): name, uid, deletion, pod CIDRs and InternalIP addresses. Node status
 * updates (conditions, capacity) change none of it, so they are not sent to every agent.
 * Throws on a malformed Node.
 */
export function peerNodeOf(node: Node): Node {
  const { name, uid, deletionTimestamp } = node.metadata;
  const { podCIDR, podCIDRs } = node.spec ?? {};
  const addresses = (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP');
  if (typeof name !== 'string' || !optionalString(podCIDR) || !addresses.every(isAddress)) throw new TypeError('name, pod CIDR and addresses must be strings');
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid, deletionTimestamp }, spec: { podCIDR, podCIDRs }, status: { addresses } };
}

const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isAddress = (a: NodeAddress): boolean => typeof a.address === 'string';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object without what no agent reads (managedFields, the last-applied annotation). */
export function withoutClutter(object: KubeObject): KubeObject {
  const { managedFields: _fields, annotations, ...meta } = object.metadata;
  const kept = annotations && Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== LAST_APPLIED));
  const metadata: ObjectMeta = kept && Object.keys(kept).length > 0 ? { ...meta, annotations: kept } : meta;
  return { ...object, metadata };
}
