/**
 * The REST resources this API server serves. Adding a kind is adding an entry here plus a
 * strategy in strategies.ts; routing, discovery, storage and watch follow from the entry.
 * Verbs, short names and categories are Kubernetes' own (what `kubectl api-resources` shows).
 */
import { apiVersionOf, type ResourceInfo } from './resource-info';

const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const NAMESPACES: ResourceInfo = {
  group: '', version: 'v1', resource: 'namespaces', singularName: 'namespace', kind: 'Namespace', listKind: 'NamespaceList',
  namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'],
  subresources: ['status', 'finalize'],
};

export const NODES: ResourceInfo = {
  group: '', version: 'v1', resource: 'nodes', singularName: 'node', kind: 'Node', listKind: 'NodeList',
  namespaced: false, verbs: READ_WRITE, shortNames: ['no'], subresources: ['status'],
};

export const PODS: ResourceInfo = {
  group: '', version: 'v1', resource: 'pods', singularName: 'pod', kind: 'Pod', listKind: 'PodList',
  namespaced: true, verbs: READ_WRITE, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'log', 'exec'],
};

export const EVENTS: ResourceInfo = {
  group: '', version: 'v1', resource: 'events', singularName: 'event', kind: 'Event', listKind: 'EventList',
  namespaced: true, verbs: READ_WRITE, shortNames: ['ev'],
};

export const SERVICES: ResourceInfo = {
  group: '', version: 'v1', resource: 'services', singularName: 'service', kind: 'Service', listKind: 'ServiceList',
  namespaced: true, verbs: READ_WRITE, shortNames: ['svc'], categories: ['all'], subresources: ['status'],
};

export const ENDPOINTS: ResourceInfo = {
  group: '', version: 'v1', resource: 'endpoints', singularName: 'endpoints', kind: 'Endpoints', listKind: 'EndpointsList',
  namespaced: true, verbs: READ_WRITE, shortNames: ['ep'],
};

export const ENDPOINT_SLICES: ResourceInfo = {
  group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singularName: 'endpointslice', kind: 'EndpointSlice', listKind: 'EndpointSliceList',
  namespaced: true, verbs: READ_WRITE,
};

/** `POST /api/v1/namespaces/{ns}/bindings`: the older form of `pods/{name}/binding`. */
export const BINDINGS: ResourceInfo = {
  group: '', version: 'v1', resource: 'bindings', singularName: 'binding', kind: 'Binding', listKind: 'BindingList',
  namespaced: true, verbs: ['create'],
};

export const RESOURCES: readonly ResourceInfo[] = [NAMESPACES, NODES, PODS, EVENTS, BINDINGS, SERVICES, ENDPOINTS, ENDPOINT_SLICES];

/** What discovery says of a subresource (`pods/status`, `pods/binding`...). */
export interface SubresourceInfo {
  kind: string;
  verbs: string[];
  /** Set when the subresource's kind lives in another group version (eviction → policy/v1). */
  group?: string;
  version?: string;
}

const SUBRESOURCES: Record<string, (parent: ResourceInfo) => SubresourceInfo> = {
  status: (p) => ({ kind: p.kind, verbs: ['get', 'patch', 'update'] }),
  finalize: (p) => ({ kind: p.kind, verbs: ['update'] }),
  binding: () => ({ kind: 'Binding', verbs: ['create'] }),
  eviction: () => ({ kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' }),
  scale: () => ({ kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1' }),
  // Streams to a container through its node, as Kubernetes lists them in discovery.
  log: () => ({ kind: 'Pod', verbs: ['get'] }),
  exec: () => ({ kind: 'PodExecOptions', verbs: ['create', 'get'] }),
};

export function subresourceInfo(parent: ResourceInfo, subresource: string): SubresourceInfo | undefined {
  if (!parent.subresources?.includes(subresource)) return undefined;
  return SUBRESOURCES[subresource]?.(parent) ?? { kind: parent.kind, verbs: ['get'] };
}

export function findResource(resources: readonly ResourceInfo[], group: string, version: string, resource: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/**
 * Looks a resource up the way internal callers name it: `pods`, `deployments.apps`
 * (resource.group, as in Kubernetes messages and RBAC rules), or a kind such as `Pod`.
 */
export function resolveResource(resources: readonly ResourceInfo[], name: string): ResourceInfo | undefined {
  const dot = name.indexOf('.');
  const [resource, group] = dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
  return resources.find((r) => r.group === group && r.resource === resource) ?? resources.find((r) => r.kind === name);
}

/** The group versions served, in discovery order: '' (core) first. */
export function servedGroupVersions(resources: readonly ResourceInfo[]): { group: string; version: string; groupVersion: string }[] {
  const seen = new Map<string, { group: string; version: string; groupVersion: string }>();
  for (const r of resources) seen.set(apiVersionOf(r), { group: r.group, version: r.version, groupVersion: apiVersionOf(r) });
  return [...seen.values()];
}
