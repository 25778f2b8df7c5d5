/**
 * Aggregated discovery (KEP-3352): `/api` and `/apis` answer an `APIGroupDiscoveryList` with
 * every group, version, resource and subresource at once when the client asks for it
 * (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`, kubectl
 * 1.30+; `v2beta1` for 1.27–1.29), so kubectl makes two discovery calls instead of one per
 * group-version. Built from the same definitions as the unaggregated documents (discovery.ts).
 * https://kubernetes.io/docs/concepts/overview/kubernetes-api/#aggregated-discovery
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDefinition } from '../../registry/resource-definition';
import { servedGroupVersions } from '../../registry/kinds';
import { discoveredKind } from '../../registry/subresource';
import { parseMediaRanges } from '../negotiation';
import { writeEncoded } from '../respond';

export type AggregatedVersion = 'v2' | 'v2beta1';

const GROUP = 'apidiscovery.k8s.io';
const PLAIN_JSON = ['application/json', 'application/*', '*/*'];

/**
 * The aggregated version the Accept header asks for before any plain JSON; undefined when the
 * client prefers (or only takes) the unaggregated documents.
 */
export function aggregatedVersionWanted(accept: string | undefined): AggregatedVersion | undefined {
  for (const range of parseMediaRanges(accept)) {
    if (range.params.q === '0') continue;
    const { g, v, as } = range.params;
    if (range.mediaType === 'application/json' && g === GROUP && as === 'APIGroupDiscoveryList' && (v === 'v2' || v === 'v2beta1')) return v;
    if (PLAIN_JSON.includes(range.mediaType) && as === undefined) return undefined;
  }
  return undefined;
}

/** The Content-Type of the answer: client-go recognises aggregated discovery by it. */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=${GROUP};v=${version};as=APIGroupDiscoveryList`;
}

interface ResponseKind {
  group: string;
  version: string;
  kind: string;
}

interface SubresourceDiscovery {
  subresource: string;
  responseKind: ResponseKind;
  verbs: string[];
}

interface ResourceDiscovery {
  resource: string;
  responseKind: ResponseKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceDiscovery[];
}

/** `/api` (the core group only) or `/apis` (every named group), preferred version first. */
export function aggregatedDiscovery(resources: readonly ResourceDefinition[], path: 'api' | 'apis', version: AggregatedVersion): object {
  const versions = servedGroupVersions(resources).filter((gv) => (path === 'api' ? gv.group === '' : gv.group !== ''));
  const groups = [...new Set(versions.map((gv) => gv.group))];
  const items = groups.map((group) => ({
    metadata: group ? { name: group } : {},
    versions: versions.filter((gv) => gv.group === group).map((gv) => ({
      version: gv.version,
      resources: resourcesOf(resources.filter((r) => r.group === group && r.version === gv.version)),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `${GROUP}/${version}`, metadata: {}, items };
}

function resourcesOf(served: readonly ResourceDefinition[]): ResourceDiscovery[] {
  return [...served].sort((a, b) => a.resource.localeCompare(b.resource)).map(resourceOf);
}

function resourceOf(info: ResourceDefinition): ResourceDiscovery {
  const entry: ResourceDiscovery = {
    resource: info.resource,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singularName,
    verbs: [...info.verbs],
  };
  if (info.shortNames?.length) entry.shortNames = [...info.shortNames];
  if (info.categories?.length) entry.categories = [...info.categories];
  const subresources = Object.entries(info.subresources).map(([name, subresource]): SubresourceDiscovery => {
    const s = discoveredKind(info, subresource);
    return { subresource: name, responseKind: { group: s.group ?? info.group, version: s.version ?? info.version, kind: s.kind }, verbs: s.verbs };
  });
  if (subresources.length > 0) entry.subresources = subresources.sort((a, b) => a.subresource.localeCompare(b.subresource));
  return entry;
}

/** Writes `/api` or `/apis` aggregated, when the client asks for it; false when it wants the plain documents. */
export function serveAggregatedDiscovery(req: IncomingMessage, res: ServerResponse, resources: readonly ResourceDefinition[], path: 'api' | 'apis'): boolean {
  const version = aggregatedVersionWanted(req.headers.accept);
  if (!version) return false;
  res.setHeader('Vary', 'Accept');
  writeEncoded(res, 200, JSON.stringify(aggregatedDiscovery(resources, path, version)), aggregatedContentType(version));
  return true;
}
