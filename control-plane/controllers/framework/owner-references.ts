/**
 * Owner references, as controllers use them: a child names its controller in
 * `metadata.ownerReferences` (the one with `controller: true`), and a change of the child
 * enqueues its controller's key (sample-controller's `handleObject`).
 */
import type { KubeObject, OwnerReference } from '../../../api/meta';
import { cacheKey } from '../../store/informer';

/** The reference to the object's controller, if it has one. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find((ref) => ref.controller === true);
}

/** A reference that makes `owner` the controller of a new child (blocking its owner's foreground deletion). */
export function controllerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Whether any of the child's owner references names `owner` (by uid: a recreated owner is another owner). */
export function isOwnedBy(child: KubeObject, owner: KubeObject): boolean {
  return (child.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid);
}

/**
 * The key of the child's controller when that is a `kind` (owners live in the child's
 * namespace); with `owners`, only while that owner exists with the referenced uid, so a child
 * of a deleted-and-recreated owner does not wake the new one.
 */
export function ownerKey(child: KubeObject, kind: string, owners?: { get(key: string): KubeObject | undefined }): string | undefined {
  const ref = controllerOf(child);
  if (ref?.kind !== kind) return undefined;
  const key = cacheKey({ metadata: { namespace: child.metadata.namespace, name: ref.name } });
  if (owners && owners.get(key)?.metadata.uid !== ref.uid) return undefined;
  return key;
}
