/**
 * The strategy most kinds share (Kubernetes' generic registry behaviour): the status
 * subresource alone writes status, deletion is immediate unless finalizers wait, validation is
 * of the object metadata with the kind's name rule. A kind overrides what it does differently.
 */
import type { KubeObject } from '../../api/meta';
import { nameIsDNSSubdomain, type NameValidator } from '../../api/validation/names';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/object-meta';
import type { ResourceStrategy } from './strategy';

/** Fields every object has at the top. */
export const OBJECT_FIELDS = ['apiVersion', 'kind', 'metadata'] as const;
/** Kinds with a spec and a status (Pod, Node, Namespace...). */
export const SPEC_STATUS_FIELDS = [...OBJECT_FIELDS, 'spec', 'status'] as const;

/**
 * Makes `obj` hold exactly what `next` holds (the api/defaults functions return defaulted
 * copies; strategies work in place on the object the registry owns).
 */
export function replaceContents<T extends KubeObject>(obj: T, next: T): T {
  for (const key of Object.keys(obj)) if (!(key in next)) delete obj[key];
  return Object.assign(obj, next);
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
  /** The rule for the kind's names; default a DNS-1123 subdomain. */
  nameValidator?: NameValidator;
}

export function defaultStrategy<T extends KubeObject>(shape: StrategyShape): ResourceStrategy<T> {
  const names = shape.nameValidator ?? nameIsDNSSubdomain;
  return {
    topLevelFields: shape.topLevelFields,
    allowCreateOnUpdate: false,
    returnDeletedObject: false,
    tracksGeneration: shape.hasStatus,
    defaultGarbageCollectionPolicy: 'DeleteDependents',
    prepareForCreate: () => undefined,
    validate: (obj, info) => validateObjectMeta(obj.metadata, info.namespaced, names),
    prepareForUpdate: (obj, old) => (shape.hasStatus ? keepStatus(obj, old) : undefined),
    validateUpdate: (obj, old, info) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateObjectMeta(obj.metadata, info.namespaced, names)],
    prepareForStatusUpdate: (obj, old) => ({ ...structuredClone(old), status: obj.status }),
    validateStatusUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
    deletionGracePeriod: () => 0,
    checkDelete: () => undefined,
    beginDeletion: () => undefined,
    hasPendingFinalizers: (obj) => (obj.metadata.finalizers ?? []).length > 0,
  };
}
