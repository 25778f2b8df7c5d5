/**
 * The strategy most kinds share (Kubernetes' generic registry behaviour): the status
 * subresource alone writes status, deletion is immediate unless finalizers wait, validation is
 * api/validation's validateObject / validateObjectUpdate for the kind.
 */
import type { KubeObject, StatusCause } from '../../api/meta';
import { validateObjectMetaUpdate } from '../../api/validation/object-meta';
import { validateObject, validateObjectUpdate } from '../../api/validation/validate-object';
import type { ResourceInfo } from './resource-info';
import type { ResourceStrategy } from './strategy';

/** Fields every object has at the top. */
export const OBJECT_FIELDS = ['apiVersion', 'kind', 'metadata'] as const;
/** Kinds with a spec and a status (Pod, Node, Namespace...). */
export const SPEC_STATUS_FIELDS = [...OBJECT_FIELDS, 'spec', 'status'] as const;

/**
 * Makes `obj` hold exactly what `next` holds (the api/defaults functions return defaulted
 * copies; strategies work in place on the object the registry owns).
 */
export function replaceContents<T extends KubeObject>(obj: KubeObject, next: T): T {
  for (const key of Object.keys(obj)) if (!(key in next)) delete obj[key];
  return Object.assign(obj, next);
}

function validate(obj: KubeObject, info: ResourceInfo): StatusCause[] {
  return validateObject(info.resource, obj, info.namespaced);
}

/** Status written by the main resource is ignored: only …/status changes it. */
function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = structuredClone(old.status);
}

export interface StrategyShape {
  topLevelFields: readonly string[];
  /** The kind has a status written through the status subresource. */
  hasStatus: boolean;
}

export function defaultStrategy(shape: StrategyShape): ResourceStrategy {
  return {
    topLevelFields: shape.topLevelFields,
    allowCreateOnUpdate: false,
    returnDeletedObject: false,
    tracksGeneration: shape.hasStatus,
    prepareForCreate: () => undefined,
    validate,
    prepareForUpdate: (obj, old) => (shape.hasStatus ? keepStatus(obj, old) : undefined),
    validateUpdate: (obj, old, info) => validateObjectUpdate(info.resource, obj, old, info.namespaced),
    prepareForStatusUpdate: (obj, old) => ({ ...structuredClone(old), status: obj.status }),
    validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
    deletionGracePeriod: () => 0,
    checkDelete: () => undefined,
    beginDeletion: () => undefined,
    hasPendingFinalizers: (obj) => (obj.metadata.finalizers ?? []).length > 0,
  };
}
