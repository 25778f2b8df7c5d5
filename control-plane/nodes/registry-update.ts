/**
 * Read-modify-write through the Registry, so node-side writes get the API's validation and
 * resourceVersion semantics: the Registry's one guaranteed update (read, compute the next
 * object from a private copy, write it with a compare-and-swap on the revision read, and on a
 * lost race read and compute again). An unchanged result writes nothing (an idle cluster
 * should not wear its SD card). Node-side writes are the agents' (the kubelet's in Kubernetes), and
 * managedFields records them so: `kubelet`.
 */
import { isApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { Registry, ResourceName } from '../registry/registry';

/** Who node-side writes are recorded as in managedFields. */
export const KUBELET_FIELD_MANAGER = 'kubelet';

export interface RegistryUpdateOptions {
  /** Write through `…/status` (only the status changes) instead of the main resource. */
  subresource?: 'status';
  signal?: AbortSignal;
}

/**
 * Resolves with the written object, or undefined when nothing was written (the object is
 * gone, or `mutate` wanted no change). Rejects with Conflict when every attempt lost a race.
 */
export async function updateThroughRegistry<T extends KubeObject>(
  registry: Registry, resource: ResourceName, namespace: string | undefined, name: string,
  mutate: (current: T) => T | undefined, opts: RegistryUpdateOptions = {},
): Promise<T | undefined> {
  opts.signal?.throwIfAborted();
  try {
    const outcome = await registry.guaranteedUpdate<T>(resource, namespace, name, mutate, { subresource: opts.subresource, fieldManager: KUBELET_FIELD_MANAGER });
    return outcome.written ? outcome.object : undefined;
  } catch (err: unknown) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}
