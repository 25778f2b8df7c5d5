/**
 * A request body becomes an object of the endpoint's kind, as the apiserver's decoder and
 * handlers check it: a JSON object, of this kind and version (missing type meta is filled
 * in), every field of its Go type (schema/typed-decoder.ts; wrong types are 400 `Pod in
 * version "v1" cannot be handled as a Pod: json: cannot unmarshal …`), whose name and
 * namespace agree with the URL.
 */
import { badRequest, type ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { KindSchema, ResourceDefinition } from '../registry/resource-definition';
import { apiVersionOf } from '../registry/resource-info';
import { pruneAndDefault } from './schema/custom-schema-pruning';
import { copyFreeForm, decodeTyped, TypedDecodeError } from './schema/typed-decoder';

/** A body decoded as its kind, and the members dropped because the kind does not declare them. */
export interface DecodedBody<T extends KubeObject> {
  object: T;
  unknownFields: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unrecognized(info: ResourceDefinition, detail: string) {
  return badRequest(`the object provided is unrecognized (must be of type ${info.kind}): ${detail}`);
}

/** The kind's field model, if it has one. */
export function kindDefinition(info: ResourceDefinition): KindSchema | undefined {
  return info.schema;
}

/** 400 as the apiserver words a body that does not decode into its Go type. */
export function cannotHandle(info: ResourceDefinition, message: string): ApiError {
  return badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${message}`);
}

/** A private copy of `body` as an object of the resource's kind; 400 for anything else. */
export function decodeObject<T extends KubeObject>(info: ResourceDefinition, body: unknown): T {
  return decodeBody<T>(info, body).object;
}

/**
 * `body` checked as the apiserver's decoder checks it: type meta first, then every field's JSON
 * type against the kind's field model (typed-decoder.ts). The copy holds declared fields only;
 * a kind without a model is checked at the top level only.
 */
export function decodeBody<T extends KubeObject>(info: ResourceDefinition, body: unknown): DecodedBody<T> {
  if (!isObject(body)) throw unrecognized(info, `couldn't get version/kind; json parse error: expected an object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
  checkTypeMeta(info, body);
  const { value, unknownFields } = typedCopy(info, body);
  const apiVersion = apiVersionOf(info);
  const object = { ...value, apiVersion, kind: info.kind, metadata: omitEmptyMetadata((value.metadata ?? {}) as KubeObject['metadata']) } as T;
  return { object, unknownFields };
}

const OMITTED_WHEN_EMPTY = ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields'] as const;

/**
 * ObjectMeta's maps and lists are `omitempty` in Go: an empty one decodes to nothing, so a body's
 * `annotations: {}` (kubectl's diff and apply send one) is not stored or answered.
 */
export function omitEmptyMetadata(metadata: KubeObject['metadata']): KubeObject['metadata'] {
  for (const field of OMITTED_WHEN_EMPTY) {
    const value: unknown = metadata[field];
    if (value !== undefined && value !== null && typeof value === 'object' && Object.keys(value).length === 0) delete metadata[field];
  }
  return metadata;
}

function checkTypeMeta(info: ResourceDefinition, obj: Record<string, unknown>): void {
  const apiVersion = apiVersionOf(info);
  if (obj.kind !== undefined && obj.kind !== info.kind) throw unrecognized(info, `${String(obj.kind)} in version "${String(obj.apiVersion ?? '')}" cannot be handled as a ${info.kind}`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.metadata !== undefined && obj.metadata !== null && !isObject(obj.metadata)) throw unrecognized(info, 'metadata must be an object');
}

function typedCopy(info: ResourceDefinition, body: Record<string, unknown>): { value: Record<string, unknown>; unknownFields: string[] } {
  const schema = kindDefinition(info);
  try {
    if (schema?.custom) return pruneAndDefault(schema.custom, body);
    if (schema) return decodeTyped(schema.definition, body, schema.definitions);
    return { value: copyFreeForm(body) as Record<string, unknown>, unknownFields: [] };
  } catch (err: unknown) {
    if (err instanceof TypedDecodeError) throw cannotHandle(info, err.message);
    throw err;
  }
}

/**
 * The namespace the object lives in: the request's, which the object may repeat but not
 * contradict. Cluster-scoped objects have none (a sent one is dropped, as Kubernetes does).
 */
export function settleNamespace(info: ResourceDefinition, obj: KubeObject, requestNamespace: string | undefined): string | undefined {
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
