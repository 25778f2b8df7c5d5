/**
 * What a DELETE does to an object, decided from its current state (Kubernetes'
 * rest.BeforeDelete): objects whose kind deletes gracefully (a pod on a node) or that carry
 * finalizers get metadata.deletionTimestamp and stay; the rest go at once. A second DELETE
 * may only shorten a grace period.
 *
 * propagationPolicy is validated but not acted upon yet: there is no garbage collector, so
 * Orphan and Foreground do not add the `orphan` / `foregroundDeletion` finalizers Kubernetes
 * adds (nobody would remove them); every deletion behaves as Background.
 */
import { ApiError, invalid, qualifiedResource } from '../../api/errors';
import type { KubeObject, StatusCause } from '../../api/meta';
import { notSupported } from '../../api/validation/field-errors';
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
  const pending = strategy.hasPendingFinalizers(current);
  const meta = current.metadata;
  if (!pending && grace === 0) return { action: 'remove' };
  if (meta.deletionTimestamp && grace >= (meta.deletionGracePeriodSeconds ?? 0)) return { action: 'keep' };
  const next = structuredClone(current);
  next.metadata.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
  next.metadata.deletionGracePeriodSeconds = grace;
  strategy.beginDeletion(next);
  return { action: 'mark', object: next };
}

/** After an update: a deleting object whose grace is over and whose finalizers are gone is removed. */
export function readyToRemove(obj: KubeObject, strategy: ResourceStrategy): boolean {
  const meta = obj.metadata;
  return Boolean(meta.deletionTimestamp) && (meta.deletionGracePeriodSeconds ?? 0) === 0 && !strategy.hasPendingFinalizers(obj);
}
