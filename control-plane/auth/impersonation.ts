/**
 * Acting as another user (`kubectl --as alice --as-group devs`), as the apiserver's
 * WithImpersonation filter: the `Impersonate-User`, `Impersonate-Group` and `Impersonate-Uid`
 * headers each need the `impersonate` verb on `users`, `groups`, `serviceaccounts` (for a
 * `system:serviceaccount:<ns>:<name>` user) or `uids` (authentication.k8s.io) with that name;
 * the request then runs as the impersonated user, who is also in `system:authenticated`.
 * Groups or a uid without a user are a 400; `Impersonate-Extra-*` is refused (not supported).
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, badRequest } from '../../api/errors';
import { AUTHENTICATED_GROUP, type UserInfo } from './authenticator';
import type { Authorizer, RequestAttributes } from './authorizer';
import { forbidden } from './forbidden';
import { SERVICE_ACCOUNT_USER_PREFIX } from './rbac/subject-match';

export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';

function values(headers: Record<string, string[] | undefined>, name: string): string[] {
  return headers[name] ?? [];
}

function impersonateAttributes(actor: UserInfo, resource: string, name: string, namespace = '', apiGroup = ''): RequestAttributes {
  return { user: actor, verb: 'impersonate', resourceRequest: true, path: '', apiGroup, apiVersion: '', resource, subresource: '', namespace, name };
}

/** What impersonating `user` needs authorized, and the groups it brings. */
function userAttributes(actor: UserInfo, name: string): { attributes: RequestAttributes; groups: string[] } {
  if (name.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) {
    const [namespace, account] = name.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(':');
    if (namespace && account) {
      return { attributes: impersonateAttributes(actor, 'serviceaccounts', account, namespace), groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] };
    }
  }
  return { attributes: impersonateAttributes(actor, 'users', name), groups: [] };
}

/** Whether the request asks to impersonate anyone. */
export function wantsImpersonation(headers: IncomingHttpHeaders): boolean {
  return Object.keys(headers).some((h) => h.startsWith('impersonate-'));
}

/** The user the request acts as; throws Forbidden when the actor may not impersonate. */
export function impersonate(headersDistinct: Record<string, string[] | undefined>, actor: UserInfo, authorizer: Authorizer): UserInfo {
  if (Object.keys(headersDistinct).some((h) => h.startsWith('impersonate-extra-'))) throw badRequest('impersonating extra user information (Impersonate-Extra-*) is not supported');
  const [name] = values(headersDistinct, 'impersonate-user');
  const groups = values(headersDistinct, 'impersonate-group');
  const [uid] = values(headersDistinct, 'impersonate-uid');
  if (name === undefined || name === '') {
    const requested = groups.length > 0 ? `groups ${JSON.stringify(groups)}` : `uid ${JSON.stringify(uid ?? '')}`;
    throw new ApiError('BadRequest', `requested ${requested} without impersonating a user`);
  }
  const checks: RequestAttributes[] = [];
  const forUser = userAttributes(actor, name);
  checks.push(forUser.attributes);
  for (const group of groups) checks.push(impersonateAttributes(actor, 'groups', group));
  if (uid !== undefined) checks.push(impersonateAttributes(actor, 'uids', uid, '', 'authentication.k8s.io'));
  for (const attributes of checks) {
    const result = authorizer.authorize(attributes);
    if (result.decision !== 'allow') throw forbidden(attributes, result.reason);
  }
  const all = [...groups, ...forUser.groups];
  if (!all.includes(AUTHENTICATED_GROUP) && !all.includes(UNAUTHENTICATED_GROUP)) all.push(AUTHENTICATED_GROUP);
  const user: UserInfo = { name, groups: [...new Set(all)] };
  if (uid !== undefined) user.uid = uid;
  return user;
}
