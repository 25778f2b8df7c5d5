/**
 * Applying a PATCH body to the current object, by patch type. The result is checked to still
 * be an object of the resource's kind (type meta restored, as decoding into the Go type would).
 */
import { ApiError, badRequest, invalid } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { strictDecodingErrors, type FieldValidation } from './field-validation';
import { decodeBody, kindDefinition, omitEmptyMetadata } from './object-decoding';
import { decodeTyped, TypedDecodeError } from './schema/typed-decoder';
import { applyJsonMergePatch } from './patch/json-merge-patch';
import { applyJsonPatch } from './patch/json-patch';
import { kindKey } from './patch/patch-meta';
import { applyStrategicMergePatch, hasStrategicMergeSchema } from './patch/strategic-merge-patch';
import type { ResourceDefinition } from '../registry/resource-definition';
import { apiVersionOf } from '../registry/resource-info';

export type PatchType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

function patched(type: PatchType, current: KubeObject, patch: unknown, info: ResourceDefinition): unknown {
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

/** Strategic merge needs a built-in kind's field model; Kubernetes answers 415 for other kinds (custom resources). */
function strategicKind(info: ResourceDefinition): string {
  const key = kindKey(apiVersionOf(info), info.kind);
  if (!info.schema?.builtIn || !hasStrategicMergeSchema(key)) {
    throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
  }
  return key;
}

/**
 * Server-side apply, simplified: the applied configuration is merged onto the live object
 * (strategic merge where the kind has a field model, JSON merge otherwise), so applied fields
 * win and others stay. Field ownership (managedFields, conflicts between managers, removal of
 * fields a manager stopped applying) is the registry's (registry/field-ownership.ts).
 */
function applyConfiguration(current: KubeObject, config: unknown, info: ResourceDefinition): unknown {
  const key = kindKey(apiVersionOf(info), info.kind);
  return info.schema?.builtIn && hasStrategicMergeSchema(key) ? applyStrategicMergePatch(current, config, key) : applyJsonMergePatch(current, config);
}

export function applyPatchDocument<T extends KubeObject>(type: PatchType, current: T, patch: unknown, info: ResourceDefinition): T {
  const result = patched(type, current, patch, info);
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw badRequest('the patched object is not an object');
  const obj = result as T;
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) throw badRequest('the patched object has no metadata');
  obj.apiVersion = apiVersionOf(info);
  obj.kind = info.kind;
  return obj;
}

export interface DecodedPatch<T extends KubeObject> {
  object: T;
  /** Strict decoding errors to send as warnings (fieldValidation=Warn). */
  warnings: string[];
}

/**
 * The patched object decoded as its kind, as the apiserver's patcher decodes the patched JSON:
 * a wrong type, or a strict error under fieldValidation=Strict, is 422 Invalid on the field
 * `patch` (`Invalid value: "<patched JSON>": json: cannot unmarshal …`), whatever the patch
 * type. `strictErrors` are the patch body's own (duplicate keys).
 */
export function decodePatched<T extends KubeObject>(info: ResourceDefinition, patched: T, mode: FieldValidation, strictErrors: readonly string[] = []): DecodedPatch<T> {
  const decoded = typedPatched(info, patched);
  const errors = mode === 'Ignore' ? [] : strictDecodingErrors(decoded.unknownFields, strictErrors);
  if (mode === 'Strict' && errors.length > 0) throw invalidPatch(patched, `strict decoding error: ${errors.join(', ')}`);
  return { object: decoded.object, warnings: errors };
}

function typedPatched<T extends KubeObject>(info: ResourceDefinition, patched: T): { object: T; unknownFields: string[] } {
  const schema = kindDefinition(info);
  if (!schema || schema.custom) return decodeBody<T>(info, patched);
  try {
    const { value, unknownFields } = decodeTyped(schema.definition, patched, schema.definitions);
    const object = value as T;
    if (object.metadata) omitEmptyMetadata(object.metadata);
    return { object, unknownFields };
  } catch (err: unknown) {
    if (err instanceof TypedDecodeError) throw invalidPatch(patched, err.message);
    throw err;
  }
}

function invalidPatch(patched: unknown, message: string): ApiError {
  const value = JSON.stringify(JSON.stringify(patched) ?? 'null');
  return invalid('', '', [{ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${message}`, field: 'patch' }]);
}
