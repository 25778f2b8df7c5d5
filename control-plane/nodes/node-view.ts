/**
 * What one node may read of the cluster: the one filter behind the object feed to its agent
 * (object-feed.ts), and the one a node authorizer is to ask (DESIGN.md Security: "a node may
 * read only what its own pods need"). Each entry names a resource, the cache it is read from
 * and which of its objects a node may read; the entries' order is the order the agent
 * applies a batch in. Adding a kind an agent needs is one entry here and one on the agent
 * (agent/feed/feed-kinds.ts), not a new message.
 *
 * ConfigMaps and Secrets are entries whose `select` asks the pods cache whether one of the
 * node's pods references them (api/pod-references.ts, Kubernetes' VisitPodConfigmapNames and
 * VisitPodSecretNames, as the node authorizer's graph); they `follow` the pods, so a pod bound
 * to the node brings its ConfigMaps and Secrets along, and the last pod using one leaving
 * the node takes it away from the agent.
 */
import type { ConfigMap, Secret } from '../../api/config-v1';
import type { Node, NodeAddress, PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { PersistentVolume } from '../../api/storage-v1';
import { LOCAL_PATH_PROVISIONER } from '../storage/default-storage-class';
import { ANN_PROVISIONED_BY } from '../storage/volume-annotations';
import type { KubeObject, ObjectMeta } from '../../api/meta';
import { podConfigMapNames, podSecretNames } from '../../api/pod-references';
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
  /**
   * Pods decide which objects of this entry a node may read: a change of a pod marks the keys
   * `keysOf` names (for its state before and after the change) to be looked at again.
   */
  follows?: PodDependency;
}

export interface PodDependency {
  readonly cache: ObjectCache<Pod>;
  /** Keys (`namespace/name`) of this entry's objects that `pod` makes readable by node `nodeName`; none when it is not bound there. */
  keysOf(pod: Pod, nodeName: string): string[];
}

/** The shared informers a view reads; a resource whose cache is absent is not part of it. */
export interface NodeViewCaches {
  pods: ObjectCache<Pod>;
  nodes?: ObjectCache<Node>;
  services?: ObjectCache<Service>;
  endpointSlices?: ObjectCache<EndpointSlice>;
  configMaps?: ObjectCache<ConfigMap>;
  secrets?: ObjectCache<Secret>;
  claims?: ObjectCache<PersistentVolumeClaim & KubeObject>;
  volumes?: ObjectCache<PersistentVolume>;
}

/** The claims a pod mounts. */
function podClaimNames(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

/** A local-path volume pinned to the node: its agent owns the directory, in use or not (it removes it once the volume is gone). */
function localPathOn(volume: PersistentVolume, nodeName: string): boolean {
  if (volume.metadata.annotations?.[ANN_PROVISIONED_BY] !== LOCAL_PATH_PROVISIONER) return false;
  const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  return terms.some((t) => (t.matchExpressions ?? []).some((r) => r.key === 'kubernetes.io/hostname' && r.operator === 'In' && (r.values ?? []).includes(nodeName)));
}

/**
 * PersistentVolumes: those whose claimRef names a claim a pod bound to the node mounts (the
 * binder writes the claimRef before the claim's volumeName, and the scheduler binds the pod only
 * once its claims are bound), and every local-path volume pinned to the node.
 */
function volumesEntry(volumes: ObjectCache<PersistentVolume>, pods: ObjectCache<Pod>): ViewEntry<PersistentVolume> {
  const mountedOn = (volume: PersistentVolume, nodeName: string): boolean => {
    const ref = volume.spec?.claimRef;
    return !!ref && pods.list().some((pod) => boundTo(pod, nodeName) && pod.metadata.namespace === ref.namespace && podClaimNames(pod).includes(ref.name ?? ''));
  };
  const keysOf = (pod: Pod, nodeName: string): string[] => {
    if (!boundTo(pod, nodeName)) return [];
    const names = podClaimNames(pod);
    return volumes.list().filter((v) => v.spec?.claimRef?.namespace === pod.metadata.namespace && names.includes(v.spec?.claimRef?.name ?? '')).map((v) => v.metadata.name ?? '');
  };
  return { resource: FEED_RESOURCES.persistentVolumes, cache: volumes, select: (v, nodeName) => localPathOn(v, nodeName) || mountedOn(v, nodeName), follows: { cache: pods, keysOf } };
}

const everyNode = (): boolean => true;

/** The pods bound to the node (the node authorizer's pod rule; the kubelet watches `spec.nodeName=<node>`). */
function boundTo(pod: Pod, nodeName: string): boolean {
  return pod.spec?.nodeName === nodeName;
}

/** Names of one kind of object a pod references (api/pod-references.ts). */
type ReferencedNames = (pod: Pod) => string[];

/** Whether a pod bound to the node, in the object's namespace, references it. Throws on a malformed pod. */
function usedOnNode(pods: ObjectCache<Pod>, namesOf: ReferencedNames): (object: KubeObject, nodeName: string) => boolean {
  return (object, nodeName) => {
    const { namespace, name } = object.metadata;
    return pods.list().some((pod) => boundTo(pod, nodeName) && pod.metadata.namespace === namespace && namesOf(pod).includes(name ?? ''));
  };
}

function referencedBy(pods: ObjectCache<Pod>, namesOf: ReferencedNames): PodDependency {
  return {
    cache: pods,
    keysOf: (pod, nodeName) => (boundTo(pod, nodeName) ? namesOf(pod).map((name) => `${pod.metadata.namespace ?? ''}/${name}`) : []),
  };
}

/** An entry of objects the node's pods reference; a malformed pod in the cache is skipped, never fatal to the others. */
function referencedEntry<T extends KubeObject>(resource: FeedResource, cache: ObjectCache<T>, pods: ObjectCache<Pod>, namesOf: ReferencedNames): ViewEntry<T> {
  const safeNames = (pod: Pod): string[] => {
    try {
      return namesOf(pod);
    } catch {
      return [];
    }
  };
  return { resource, cache, select: usedOnNode(pods, safeNames), follows: referencedBy(pods, safeNames) };
}

/**
 * The view, in the order a batch is applied: services and their EndpointSlices first (a
 * pod's service environment variables are computed from them when its containers start),
 * the cluster's nodes (pod network routes), the ConfigMaps, Secrets, PersistentVolumes and
 * claims of the node's pods (so a pod and what it references arrive in one batch, the pod
 * last), then the node's pods.
 */
export function nodeView(caches: NodeViewCaches): ViewEntry[] {
  const entries: (ViewEntry | undefined)[] = [
    caches.services && { resource: FEED_RESOURCES.services, cache: caches.services, select: everyNode },
    caches.endpointSlices && { resource: FEED_RESOURCES.endpointSlices, cache: caches.endpointSlices, select: everyNode },
    caches.nodes && { resource: FEED_RESOURCES.nodes, cache: caches.nodes, select: everyNode, project: peerNodeOf },
    caches.configMaps && referencedEntry(FEED_RESOURCES.configMaps, caches.configMaps, caches.pods, podConfigMapNames),
    caches.secrets && referencedEntry(FEED_RESOURCES.secrets, caches.secrets, caches.pods, podSecretNames),
    caches.volumes && volumesEntry(caches.volumes, caches.pods),
    caches.claims && referencedEntry(FEED_RESOURCES.persistentVolumeClaims, caches.claims, caches.pods, podClaimNames),
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
