/**
 * A request body becomes an object of the endpoint's kind, as the apiserver's decoder and
 * handlers check it: a JSON object, of this kind and version (missing type meta is filled
 * in), whose name and namespace agree with the URL.
 */
import { badRequest } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { apiVersionOf, type ResourceInfo } from './resource-info';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unrecognized(info: ResourceInfo, detail: string) {
  return badRequest(`the object provided is unrecognized (must be of type ${info.kind}): ${detail}`);
}

/** A private copy of `body` as an object of the resource's kind; 400 for anything else. */
export function decodeObject<T extends KubeObject>(info: ResourceInfo, body: unknown): T {
  if (!isObject(body)) throw unrecognized(info, `couldn't get version/kind; json parse error: expected an object, got ${Array.isArray(body) ? 'an array' : typeof body}`);
  const obj = structuredClone(body) as Record<string, unknown>;
  const apiVersion = apiVersionOf(info);
  if (obj.kind !== undefined && obj.kind !== info.kind) throw unrecognized(info, `${String(obj.kind)} in version "${String(obj.apiVersion ?? '')}" cannot be handled as a ${info.kind}`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.metadata !== undefined && !isObject(obj.metadata)) throw unrecognized(info, 'metadata must be an object');
  return { ...obj, apiVersion, kind: info.kind, metadata: (obj.metadata ?? {}) as KubeObject['metadata'] } as T;
}

/**
 * The namespace the object lives in: the request's, which the object may repeat but not
 * contradict. Cluster-scoped objects have none (a sent one is dropped, as Kubernetes does).
 */
export function settleNamespace(info: ResourceInfo, obj: KubeObject, requestNamespace: string | undefined): string | undefined {
  if (!info.namespaced) {
    delete obj.metadata.namespace;
    return undefined;
  }
  const sent = obj.metadata.namespace;
  if (sent && requestNamespace && sent !== requestNamespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const namespace = requestNamespace || sent;
  if (!namespace) throw badRequest('an empty namespace may not be set during creation');
  obj.metadata.namespace = namespace;
  return namespace;
}

/** PUT and apply name the object in the URL; the body must name the same one. */
export function checkName(obj: KubeObject, name: string): void {
  const sent = obj.metadata.name ?? '';
  if (sent !== name) throw badRequest(`the name of the object (${sent}) does not match the name on the URL (${name})`);
}
