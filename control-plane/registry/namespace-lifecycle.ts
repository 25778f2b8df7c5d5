/**
 * Kubernetes' NamespaceLifecycle admission for creates: a namespaced object may only be
 * created in a namespace that exists and is not being terminated.
 * https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#namespacelifecycle
 */
import { ApiError, notFound, qualifiedResource } from '../../api/errors';
import type { Namespace } from '../../api/core-v1';
import type { ResourceInfo } from './resource-info';

/** Namespaces that always exist and may never be deleted (kube-apiserver's immortal namespaces). */
export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public'];

export function isTerminating(ns: Namespace): boolean {
  return ns.status?.phase === 'Terminating' || Boolean(ns.metadata.deletionTimestamp);
}

/** Throws NotFound for a missing namespace, Forbidden for a terminating one. */
export function admitCreateInNamespace(info: ResourceInfo, name: string, namespace: string, ns: Namespace | undefined): void {
  if (!ns) throw notFound('namespaces', namespace);
  if (!isTerminating(ns)) return;
  const message = `${qualifiedResource(info.resource, info.group)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`;
  const cause = { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' };
  throw new ApiError('Forbidden', message, { kind: info.resource, group: info.group, name }, [cause]);
}

/** `namespaces "default" is forbidden: this namespace may not be deleted`. */
export function immortalNamespace(name: string): ApiError {
  return new ApiError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { kind: 'namespaces', name });
}
