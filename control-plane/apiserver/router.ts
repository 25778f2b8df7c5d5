/**
 * URL paths → what they name, as the apiserver's RequestInfoFactory reads them:
 * `/api/v1/namespaces/{ns}/{resource}/{name}/{subresource}`, cluster-scoped
 * `/api/v1/{resource}/{name}/{subresource}`, `/apis/{group}/{version}/…`, all-namespaces lists
 * `/api/v1/pods`, and the legacy `/watch/` prefix. Nothing here does I/O. The path comes raw
 * (request-url.ts): a name or namespace that is not a valid path segment (`.`, `..`, or one
 * holding `/` or `%` once decoded) is a 400, never another object's URL.
 */
import { nameIsPathSegment } from '../../api/validation/names';
import type { ResourceDefinition } from '../registry/resource-definition';
import { findResource } from '../registry/kinds';

export interface ResourceTarget {
  info: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The path had the legacy `/watch/` segment. */
  watchPath: boolean;
}

export type Route =
  | { type: 'version' }
  | { type: 'health'; check: 'healthz' | 'livez' | 'readyz'; single?: string }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'resourceList'; group: string; version: string }
  | { type: 'openapiV3'; path?: string }
  | { type: 'openapiV2' }
  | { type: 'resource'; target: ResourceTarget }
  | { type: 'notFound' }
  /** A name or namespace that cannot be one path segment: answered 400 once the client is authenticated. */
  | { type: 'badRequest'; message: string };

const NOT_FOUND: Route = { type: 'notFound' };
const HEALTH_CHECKS = ['healthz', 'livez', 'readyz'] as const;

/**
 * The decoded segments of a raw path. As go-restful does, slashes at either end are dropped;
 * an empty segment inside the path names nothing. No dot-segment removal: `.` stays a segment.
 */
function segmentsOf(pathname: string): string[] | undefined {
  const inner = pathname.replace(/^\/+|\/+$/g, '');
  if (inner === '') return [];
  const raw = inner.split('/');
  if (raw.includes('')) return undefined;
  try {
    return raw.map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** The generic registry's key functions refuse names that are not one path segment. */
function segmentProblem(kind: 'Name' | 'Namespace', value: string | undefined): string | undefined {
  const problems = value === undefined ? [] : nameIsPathSegment(value, false);
  return problems.length > 0 ? `${kind} parameter invalid: ${JSON.stringify(value)}: ${problems.join(';')}` : undefined;
}

export function route(pathname: string, resources: readonly ResourceDefinition[]): Route {
  const s = segmentsOf(pathname);
  if (!s) return NOT_FOUND;
  if (s.length === 1 && s[0] === 'version') return { type: 'version' };
  const health = HEALTH_CHECKS.find((h) => h === s[0]);
  if (health && s.length <= 2) return { type: 'health', check: health, single: s[1] };
  if (s[0] === 'openapi') return openapiRoute(s);
  if (s[0] === 'api') return coreRoute(s.slice(1), resources);
  if (s[0] === 'apis') return groupRoute(s.slice(1), resources);
  return NOT_FOUND;
}

function openapiRoute(s: string[]): Route {
  if (s[1] === 'v2' && s.length === 2) return { type: 'openapiV2' };
  if (s[1] === 'v3') return { type: 'openapiV3', path: s.length > 2 ? s.slice(2).join('/') : undefined };
  return NOT_FOUND;
}

function coreRoute(s: string[], resources: readonly ResourceDefinition[]): Route {
  if (s.length === 0) return { type: 'api' };
  if (s[0] !== 'v1') return NOT_FOUND;
  if (s.length === 1) return { type: 'resourceList', group: '', version: 'v1' };
  return resourceRoute('', 'v1', s.slice(1), resources);
}

function groupRoute(s: string[], resources: readonly ResourceDefinition[]): Route {
  if (s.length === 0) return { type: 'apis' };
  const [group, version] = s;
  const served = resources.some((r) => r.group === group && (version === undefined || r.version === version));
  if (!served || group === '') return NOT_FOUND;
  if (s.length === 1) return { type: 'group', group };
  if (s.length === 2) return { type: 'resourceList', group, version };
  return resourceRoute(group, version, s.slice(2), resources);
}

/** `[watch/](namespaces/{ns}/)?{resource}(/{name}(/{subresource})?)?` within one group version. */
function resourceRoute(group: string, version: string, rest: string[], resources: readonly ResourceDefinition[]): Route {
  const watchPath = rest[0] === 'watch';
  const s = watchPath ? rest.slice(1) : rest;
  const scoped = s[0] === 'namespaces' && s.length >= 3 && !isNamespaceSubresource(s, resources, group, version);
  const [namespace, parts] = scoped ? [s[1], s.slice(2)] : [undefined, s];
  // `{name}/proxy/{path…}`: the rest of the path is the proxied one (proxy-handler.ts reads it raw).
  if (parts.length === 0 || (parts.length > 3 && parts[2] !== 'proxy')) return NOT_FOUND;
  const info = findResource(resources, group, version, parts[0]);
  if (!info) return NOT_FOUND;
  const target: ResourceTarget = { info, namespace, name: parts[1], subresource: parts[2], watchPath };
  const problem = segmentProblem('Namespace', target.namespace) ?? segmentProblem('Name', target.name);
  if (problem) return { type: 'badRequest', message: problem };
  return targetIsServed(target) ? { type: 'resource', target } : NOT_FOUND;
}

/** `namespaces/{name}/status` and `…/finalize` name the namespace's own subresources. */
function isNamespaceSubresource(s: string[], resources: readonly ResourceDefinition[], group: string, version: string): boolean {
  const namespaces = findResource(resources, group, version, 'namespaces');
  return s.length === 3 && namespaces !== undefined && Object.hasOwn(namespaces.subresources, s[2]);
}

function targetIsServed(t: ResourceTarget): boolean {
  if (t.info.namespaced === false && t.namespace !== undefined) return false;
  if (t.info.namespaced && t.namespace === undefined && t.name !== undefined) return false;
  if (t.subresource !== undefined && !Object.hasOwn(t.info.subresources, t.subresource)) return false;
  return !(t.watchPath && t.subresource !== undefined);
}
