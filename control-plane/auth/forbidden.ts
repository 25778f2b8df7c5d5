/**
 * The 403 of a denied request, worded as the apiserver's responsewriters.Forbidden:
 * `pods "x" is forbidden: User "alice" cannot get resource "pods" in API group "" in the
 * namespace "default"`, the authorizer's reason after a colon when it gave one. The Status
 * details name the group and resource (without the subresource) and the object.
 */
import { ApiError, qualifiedResource } from '../../api/errors';
import type { RequestAttributes } from './authorizer';

export function forbiddenMessage(a: RequestAttributes): string {
  const user = a.user.name;
  if (!a.resourceRequest) return `User "${user}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
}

/** apierrors.NewForbidden over forbiddenMessage. */
export function forbidden(a: RequestAttributes, reason: string): ApiError {
  const detail = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  if (!a.resourceRequest) return new ApiError('Forbidden', `forbidden: ${detail}`);
  const what = qualifiedResource(a.resource, a.apiGroup);
  const message = a.name ? `${what} "${a.name}" is forbidden: ${detail}` : `${what} is forbidden: ${detail}`;
  return new ApiError('Forbidden', message, { kind: a.resource, group: a.apiGroup || undefined, name: a.name || undefined });
}
