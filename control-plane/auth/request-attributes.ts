/**
 * The authorization attributes of an HTTP request, read from its method, path and query as the
 * apiserver's RequestInfoFactory reads them: `/api/v1/...` and `/apis/{group}/{version}/...`
 * name resources (`[watch/][namespaces/{ns}/]{resource}[/{name}[/{subresource}]]`); anything
 * else (discovery, health, OpenAPI) is a non-resource path whose verb is the lower-cased method.
 * A GET of a collection is `list`, or `watch` with `?watch=true`; a list, watch or
 * deletecollection with `fieldSelector=metadata.name=X` is about the object X (so
 * `resourceNames` rules cover `kubectl wait` and `delete`); `namespaces/{name}` is in
 * namespace {name}. Nothing here does I/O.
 */
import { parseFieldSelector, type FieldRequirement } from '../../api/field-selector';
import { booleanParam } from '../apiserver/request-options';
import type { UserInfo } from './authenticator';
import type { RequestAttributes } from './authorizer';

/** namespaces/{name}/{subresource} names the namespace's own subresource, not a resource in it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function segments(pathname: string): string[] {
  return pathname.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function nonResource(user: UserInfo, method: string, pathname: string): RequestAttributes {
  return { user, verb: method.toLowerCase(), resourceRequest: false, path: decodedPath(pathname), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

/** `{group, version, rest}` of a resource URL, or undefined for a non-resource path. */
function groupVersionOf(parts: string[]): { group: string; version: string; rest: string[] } | undefined {
  if (parts[0] === 'api' && parts.length >= 3) return { group: '', version: parts[1], rest: parts.slice(2) };
  if (parts[0] === 'apis' && parts.length >= 4) return { group: parts[1], version: parts[2], rest: parts.slice(3) };
  return undefined;
}

const METHOD_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', GET: 'get', HEAD: 'get', DELETE: 'delete' };

export function requestAttributes(user: UserInfo, method: string | undefined, pathname: string, query: URLSearchParams): RequestAttributes {
  const verbMethod = (method ?? 'GET').toUpperCase();
  const gv = groupVersionOf(segments(pathname));
  if (!gv) return nonResource(user, verbMethod, pathname);
  let parts = gv.rest;
  let verb = METHOD_VERBS[verbMethod] ?? verbMethod.toLowerCase();
  if (parts[0] === 'watch') {
    verb = 'watch';
    parts = parts.slice(1);
  }
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = parts;
  const attributes: RequestAttributes = { user, verb, resourceRequest: true, path: decodedPath(pathname), apiGroup: gv.group, apiVersion: gv.version, resource, subresource, namespace, name };
  return refineCollectionVerb(attributes, query);
}

/** A nameless GET is a list or a watch; DELETE of a collection is deletecollection; a name field selector names the object. */
function refineCollectionVerb(a: RequestAttributes, query: URLSearchParams): RequestAttributes {
  if (a.name === '' && a.verb === 'get') a.verb = booleanParam(query, 'watch') ? 'watch' : 'list';
  if (a.name === '' && a.verb === 'delete') a.verb = 'deletecollection';
  if (!['list', 'watch', 'deletecollection'].includes(a.verb)) return a;
  if (a.name === '') a.name = nameFromFieldSelector(query.get('fieldSelector'));
  const requirements = fieldRequirements(query.get('fieldSelector'));
  if (requirements) a.fieldSelector = requirements;
  return a;
}

/** The selector's terms; undefined for none, or one that does not parse (the handler answers it 400). */
function fieldRequirements(selector: string | null): FieldRequirement[] | undefined {
  if (!selector) return undefined;
  try {
    return parseFieldSelector(selector).requirements;
  } catch {
    return undefined;
  }
}

/** `metadata.name=X` (or `==`) among the field selector's terms, as the apiserver reads it. */
function nameFromFieldSelector(selector: string | null): string {
  if (!selector) return '';
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return '';
}
