/**
 * Discovery documents, in the unaggregated form (kubectl asks for aggregated discovery first
 * and falls back to these when the answer is plain `application/json`):
 * `/api` APIVersions, `/apis` APIGroupList, `/apis/{g}` APIGroup, `/api/v1` and
 * `/apis/{g}/{v}` APIResourceList. Each APIResource carries what kubectl needs to resolve
 * `po`, `get all` and `api-resources`: kind, namespaced, verbs, shortNames, categories.
 */
import type { ResourceDefinition } from '../../registry/resource-definition';
import { apiVersionOf } from '../../registry/resource-info';
import { servedGroupVersions } from '../../registry/kinds';
import { discoveredKind } from '../../registry/subresource';

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(resources: readonly ResourceDefinition[], group: string): object {
  const versions = servedGroupVersions(resources)
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: gv.groupVersion, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(resources: readonly ResourceDefinition[]): object {
  const groups = [...new Set(resources.map((r) => r.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => apiGroup(resources, g)) };
}

export function apiGroupDocument(resources: readonly ResourceDefinition[], group: string): object {
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(resources, group) };
}

function resourceEntry(info: ResourceDefinition): APIResource {
  const entry: APIResource = { name: info.resource, singularName: info.singularName, namespaced: info.namespaced, kind: info.kind, verbs: [...info.verbs] };
  if (info.shortNames?.length) entry.shortNames = info.shortNames;
  if (info.categories?.length) entry.categories = info.categories;
  return entry;
}

function subresourceEntries(info: ResourceDefinition): APIResource[] {
  return Object.entries(info.subresources).map(([sub, subresource]) => {
    const s = discoveredKind(info, subresource);
    const entry: APIResource = { name: `${info.resource}/${sub}`, singularName: '', namespaced: info.namespaced, kind: s.kind, verbs: s.verbs };
    if (s.group !== undefined) Object.assign(entry, { group: s.group, version: s.version });
    return entry;
  });
}

export function apiResourceList(resources: readonly ResourceDefinition[], group: string, version: string): object {
  const served = resources.filter((r) => r.group === group && r.version === version);
  const entries = served.flatMap((r) => [resourceEntry(r), ...subresourceEntries(r)]).sort((a, b) => (a.name < b.name ? -1 : 1));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources: entries };
}
