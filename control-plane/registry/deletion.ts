/**
 * What a DELETE does to an object, decided from its current state (Kubernetes'
 * rest.BeforeDelete and the generic store's updateForGracefulDeletionAndFinalizers): the
 * request's propagationPolicy first sets the garbage collection finalizers
 * (dependents-policy.ts); then objects whose kind deletes gracefully (a pod on a node) or that
 * carry finalizers get metadata.deletionTimestamp and stay; the rest go at once. While a
 * graceful deletion is pending, a second DELETE may only shorten its grace period and changes
 * no finalizer; an object kept only by finalizers (grace 0) may have them changed by another
 * DELETE (a Background one after a Foreground one).
 */
import { ApiError, invalid, qualifiedResource } from '../../api/errors';
import { jsonEqual } from '../../api/json-equal';
import type { KubeObject, StatusCause } from '../../api/meta';
import { notSupported } from '../../api/validation/field-errors';
import { finalizersOnDelete } from './dependents-policy';
import { timestamp } from './object-meta';
import type { ResourceInfo } from './resource-info';
import type { DeleteOptions, ResourceStrategy } from './strategy';

export type DeletionPlan =
  /** Remove it from the store now. */
  | { action: 'remove' }
  /** Write this state (deletionTimestamp set or shortened); the object stays. */
  | { action: 'mark'; object: KubeObject }
  /** Already being deleted and this request changes nothing. */
  | { action: 'keep' };

const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'];

export function validateDeleteOptions(options: DeleteOptions): void {
  const causes: StatusCause[] = [];
  if (options.propagationPolicy !== undefined && !PROPAGATION_POLICIES.includes(options.propagationPolicy)) {
    causes.push(notSupported('propagationPolicy', options.propagationPolicy, PROPAGATION_POLICIES));
  }
  if (options.orphanDependents !== undefined && options.propagationPolicy !== undefined) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${options.propagationPolicy}": orphanDependents and deletionPropagation cannot be both set`, field: 'propagationPolicy' });
  }
  if (options.gracePeriodSeconds !== undefined && !(Number.isInteger(options.gracePeriodSeconds) && options.gracePeriodSeconds >= 0)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${options.gracePeriodSeconds}: must be greater than or equal to 0`, field: 'gracePeriodSeconds' });
  }
  if (causes.length > 0) throw invalid('DeleteOptions.meta.k8s.io', '', causes);
}

function preconditionFailed(info: ResourceInfo, name: string, detail: string): ApiError {
  const message = `Operation cannot be fulfilled on ${qualifiedResource(info.resource, info.group)} "${name}": Precondition failed: ${detail}`;
  return new ApiError('Conflict', message, { kind: info.resource, group: info.group, name });
}

/** DeleteOptions.preconditions: a uid or resourceVersion the object must still have. */
export function checkPreconditions(info: ResourceInfo, current: KubeObject, options: DeleteOptions): void {
  const { uid, resourceVersion } = options.preconditions ?? {};
  const meta = current.metadata;
  const name = meta.name ?? '';
  if (uid && uid !== meta.uid) throw preconditionFailed(info, name, `UID in precondition: ${uid}, UID in object meta: ${meta.uid ?? ''}`);
  if (resourceVersion && resourceVersion !== meta.resourceVersion) {
    throw preconditionFailed(info, name, `ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in meta: ${meta.resourceVersion ?? ''}`);
  }
}

export function planDeletion(current: KubeObject, strategy: ResourceStrategy, options: DeleteOptions, now: Date): DeletionPlan {
  const grace = strategy.deletionGracePeriod(current, options.gracePeriodSeconds);
  if (gracePending(current, grace)) return { action: 'keep' };
  const finalized = withFinalizers(current, finalizersOnDelete(current, strategy.defaultGarbageCollectionPolicy, options));
  if (!strategy.hasPendingFinalizers(finalized) && grace === 0) return { action: 'remove' };
  const next = structuredClone(finalized); // only an object that stays is copied: most deletions remove
  markDeleting(next, grace, now);
  strategy.beginDeletion(next);
  return jsonEqual(next, current) ? { action: 'keep' } : { action: 'mark', object: next };
}

/** A graceful deletion is under way and this request does not shorten it. */
function gracePending(current: KubeObject, grace: number): boolean {
  const { deletionTimestamp, deletionGracePeriodSeconds = 0 } = current.metadata;
  return Boolean(deletionTimestamp) && deletionGracePeriodSeconds > 0 && grace >= deletionGracePeriodSeconds;
}

/** `current` with the finalizers the deletion leaves, sharing everything else with it. */
function withFinalizers(current: KubeObject, finalizers: string[]): KubeObject {
  if (finalizers.length === 0 && current.metadata.finalizers === undefined) return current;
  return { ...current, metadata: { ...current.metadata, finalizers } };
}

/** A grace period starts now; an object kept only by finalizers keeps the deletionTimestamp it has. */
function markDeleting(next: KubeObject, grace: number, now: Date): void {
  const meta = next.metadata;
  const keepsTimestamp = grace === 0 && meta.deletionTimestamp !== undefined && Date.parse(meta.deletionTimestamp) <= now.getTime();
  if (!keepsTimestamp) meta.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
  meta.deletionGracePeriodSeconds = grace;
}

/** After an update: a deleting object whose grace is over and whose finalizers are gone is removed. */
export function readyToRemove(obj: KubeObject, strategy: ResourceStrategy): boolean {
  const meta = obj.metadata;
  return Boolean(meta.deletionTimestamp) && (meta.deletionGracePeriodSeconds ?? 0) === 0 && !strategy.hasPendingFinalizers(obj);
}
