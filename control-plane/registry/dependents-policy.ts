/**
 * What a DELETE asks for the object's dependents (Kubernetes' generic registry,
 * `deletionFinalizersForGarbageCollection`): `propagationPolicy=Orphan` puts the `orphan`
 * finalizer on the object, `Foreground` puts `foregroundDeletion`, `Background` neither; the
 * garbage collector then orphans or deletes the dependents and removes the finalizer. Without
 * a policy in the request, a finalizer already on the object decides, then the kind's default
 * (`DefaultGarbageCollectionPolicy`). A kind whose policy is `Unsupported` (events) gets
 * neither finalizer. https://kubernetes.io/docs/concepts/architecture/garbage-collection/
 */
import type { KubeObject } from '../../api/meta';
import type { DeleteOptions } from './strategy';

export const FOREGROUND_DELETION_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

/**
 * A kind's default for DELETEs that name no policy: delete the dependents (in the background),
 * orphan them (what some old groups did), or no garbage collection at all.
 */
export type GarbageCollectionPolicy = 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';

type Propagation = 'Orphan' | 'Foreground' | 'Background';

/** The policy in force: the request's (the deprecated orphanDependents too), then a finalizer already on the object, then the kind's default. */
function propagationOf(object: KubeObject, policy: GarbageCollectionPolicy, options: DeleteOptions): Propagation {
  if (options.orphanDependents !== undefined) return options.orphanDependents ? 'Orphan' : 'Background';
  if (options.propagationPolicy) return options.propagationPolicy;
  const finalizers = object.metadata.finalizers ?? [];
  if (finalizers.includes(ORPHAN_FINALIZER)) return 'Orphan';
  if (finalizers.includes(FOREGROUND_DELETION_FINALIZER)) return 'Foreground';
  return policy === 'OrphanDependents' ? 'Orphan' : 'Background';
}

/** The object's finalizers after this DELETE: the garbage collection ones replaced by what the policy asks. */
export function finalizersOnDelete(object: KubeObject, policy: GarbageCollectionPolicy, options: DeleteOptions): string[] {
  const others = (object.metadata.finalizers ?? []).filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_DELETION_FINALIZER);
  if (policy === 'Unsupported') return others;
  const propagation = propagationOf(object, policy, options);
  if (propagation === 'Orphan') return [...others, ORPHAN_FINALIZER];
  if (propagation === 'Foreground') return [...others, FOREGROUND_DELETION_FINALIZER];
  return others;
}
