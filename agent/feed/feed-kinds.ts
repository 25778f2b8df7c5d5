/**
 * The kinds the agent reads from the object feed, each with the shape it reads it in
 * (proto/feed-resources.ts names them; control-plane/nodes/node-view.ts decides what a node
 * is sent). Adding a kind is one entry here, one consumer entry (object-dispatcher.ts), and
 * one entry in the control plane's node view.
 */
import type { ConfigMap, Secret } from '../../api/config-v1';
import type { Node, PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { PersistentVolume } from '../../api/storage-v1';
import type { KubeObject } from '../../api/meta';
import type { EndpointSlice, Service } from '../../api/service-v1';
import { FEED_RESOURCES } from '../../proto/feed-resources';
import { serviceShapeProblem, sliceShapeProblem } from '../service-shapes';
import type { FeedKind } from './feed-batch';

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** A decoder that accepts what `problemOf` finds nothing wrong with. */
function shaped<T extends KubeObject>(problemOf: (value: unknown) => string | undefined): (value: unknown) => T {
  return (value) => {
    const problem = problemOf(value);
    if (problem !== undefined) throw new Error(problem);
    return value as T;
  };
}

/** What the pod worker needs before it reads any further: a uid, a key and a spec. */
export function podShapeProblem(value: unknown): string | undefined {
  const meta = isObject(value) ? value.metadata : undefined;
  if (!isObject(value) || !isObject(meta) || !isName(meta.uid)) return 'not a pod with metadata.uid';
  if (!isName(meta.namespace) || !isName(meta.name)) return `pod ${String(meta.uid)} has no namespace and name`;
  if (!isObject(value.spec)) return `pod ${String(meta.uid)} has no spec`;
  return undefined;
}

const isAddress = (a: unknown): boolean => isObject(a) && typeof a.type === 'string' && typeof a.address === 'string';

/** What the pod network reads of a Node (agent/network/peer-nodes.ts): its name, pod CIDR and addresses. */
export function nodeShapeProblem(value: unknown): string | undefined {
  if (!isObject(value) || !isObject(value.metadata) || !isName(value.metadata.name)) return 'not a Node with a name';
  const spec = value.spec ?? {};
  const status = value.status ?? {};
  if (!isObject(spec) || !(spec.podCIDR === undefined || typeof spec.podCIDR === 'string')) return 'spec.podCIDR: unexpected shape';
  const addresses = isObject(status) ? (status.addresses ?? []) : undefined;
  if (!Array.isArray(addresses) || !addresses.every(isAddress)) return 'status.addresses: unexpected shape';
  return undefined;
}

export const PODS: FeedKind<Pod> = { resource: FEED_RESOURCES.pods, decode: shaped(podShapeProblem) };
export const SERVICES: FeedKind<Service> = { resource: FEED_RESOURCES.services, decode: shaped(serviceShapeProblem) };
export const ENDPOINT_SLICES: FeedKind<EndpointSlice> = { resource: FEED_RESOURCES.endpointSlices, decode: shaped(sliceShapeProblem) };
export const NODES: FeedKind<Node> = { resource: FEED_RESOURCES.nodes, decode: shaped(nodeShapeProblem) };

const isStringMap = (v: unknown): boolean => v === undefined || (isObject(v) && Object.values(v).every((x) => typeof x === 'string'));

/** What pods read of a ConfigMap or Secret: namespace, name, and string maps of data (Secret data is base64). */
export function configShapeProblem(value: unknown): string | undefined {
  const meta = isObject(value) ? value.metadata : undefined;
  if (!isObject(value) || !isObject(meta) || !isName(meta.namespace) || !isName(meta.name)) return 'not an object with a namespace and name';
  if (!isStringMap(value.data) || !isStringMap(value.binaryData)) return `${String(meta.namespace)}/${String(meta.name)}: data must map keys to strings`;
  return undefined;
}

export const CONFIG_MAPS: FeedKind<ConfigMap> = { resource: FEED_RESOURCES.configMaps, decode: shaped(configShapeProblem) };
export const SECRETS: FeedKind<Secret> = { resource: FEED_RESOURCES.secrets, decode: shaped(configShapeProblem) };

/** What pods read of a claim or a PersistentVolume: a name (and a namespace for a claim) and a spec object. */
export function storageShapeProblem(namespaced: boolean): (value: unknown) => string | undefined {
  return (value) => {
    const meta = isObject(value) ? value.metadata : undefined;
    if (!isObject(value) || !isObject(meta) || !isName(meta.name) || (namespaced && !isName(meta.namespace))) return 'not an object with a name';
    if (value.spec !== undefined && !isObject(value.spec)) return `${String(meta.name)}: spec must be an object`;
    return undefined;
  };
}

export const PERSISTENT_VOLUME_CLAIMS: FeedKind<PersistentVolumeClaim & KubeObject> = { resource: FEED_RESOURCES.persistentVolumeClaims, decode: shaped(storageShapeProblem(true)) };
export const PERSISTENT_VOLUMES: FeedKind<PersistentVolume> = { resource: FEED_RESOURCES.persistentVolumes, decode: shaped(storageShapeProblem(false)) };
