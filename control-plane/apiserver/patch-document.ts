/**
 * Applying a PATCH body to the current object, by patch type. The result is checked to still
 * be an object of the resource's kind (type meta restored, as decoding into the Go type would).
 */
import { ApiError, badRequest } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { applyJsonMergePatch } from './patch/json-merge-patch';
import { applyJsonPatch } from './patch/json-patch';
import { kindKey } from './patch/patch-meta';
import { applyStrategicMergePatch, hasStrategicMergeSchema } from './patch/strategic-merge-patch';
import { apiVersionOf, type ResourceInfo } from './resource-info';

export type PatchType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

function patched(type: PatchType, current: KubeObject, patch: unknown, info: ResourceInfo): unknown {
  switch (type) {
    case 'json-patch':
      return applyJsonPatch(current, patch);
    case 'merge-patch':
      return applyJsonMergePatch(current, patch);
    case 'strategic-merge-patch':
      return applyStrategicMergePatch(current, patch, strategicKind(info));
    case 'apply-patch':
      return applyConfiguration(current, patch, info);
  }
}

/** Strategic merge needs the kind's field model; Kubernetes answers 415 for kinds without one. */
function strategicKind(info: ResourceInfo): string {
  const key = kindKey(apiVersionOf(info), info.kind);
  if (!hasStrategicMergeSchema(key)) {
    throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
  }
  return key;
}

/**
 * Server-side apply, simplified: the applied configuration is merged onto the live object
 * (strategic merge where the kind has a field model, JSON merge otherwise), so applied fields
 * win and others stay. Field ownership (managedFields, conflicts between managers, removal of
 * fields a manager stopped applying) is not tracked yet.
 */
function applyConfiguration(current: KubeObject, config: unknown, info: ResourceInfo): unknown {
  const key = kindKey(apiVersionOf(info), info.kind);
  return hasStrategicMergeSchema(key) ? applyStrategicMergePatch(current, config, key) : applyJsonMergePatch(current, config);
}

export function applyPatchDocument<T extends KubeObject>(type: PatchType, current: T, patch: unknown, info: ResourceInfo): T {
  const result = patched(type, current, patch, info);
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw badRequest('the patched object is not an object');
  const obj = result as T;
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) throw badRequest('the patched object has no metadata');
  obj.apiVersion = apiVersionOf(info);
  obj.kind = info.kind;
  return obj;
}
