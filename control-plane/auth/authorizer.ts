/**
 * Who may do what: Kubernetes' authorizer.Authorizer. A request is described by its
 * attributes (request-attributes.ts); each authorizer allows, denies or has no opinion, and a
 * union asks them in order until one decides (the apiserver's union authorizer), so a node
 * authorizer can sit beside RBAC. Authorizers are synchronous: they read in-memory caches.
 * https://kubernetes.io/docs/reference/access-authn-authz/authorization/
 */
import type { FieldRequirement } from '../../api/field-selector';
import type { UserInfo } from './authenticator';

/** authorizer.Attributes: a resource request (resource set) or a non-resource one (path set). */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  /** True for `/api/...` and `/apis/...` resource URLs. */
  resourceRequest: boolean;
  /** The URL path of a non-resource request (`/api`, `/healthz`). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /**
   * The field selector of a list, watch or deletecollection (authorizer.Attributes'
   * GetFieldSelector, Kubernetes 1.31+): what the node authorizer lets a node list its own
   * pods by. Absent when there is none or it does not parse (the request then fails with 400).
   */
  fieldSelector?: readonly FieldRequirement[];
}

export type Decision = 'allow' | 'deny' | 'noOpinion';

export interface AuthorizationResult {
  decision: Decision;
  /** Why, for the Forbidden message and SubjectAccessReview's status.reason. */
  reason: string;
}

export interface Authorizer {
  authorize(attributes: RequestAttributes): AuthorizationResult;
}

export const NO_OPINION: AuthorizationResult = { decision: 'noOpinion', reason: '' };

/** Asks each authorizer in order; the first allow or deny wins; reasons of the rest are joined. */
export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    authorize(attributes) {
      const reasons: string[] = [];
      for (const a of authorizers) {
        const result = a.authorize(attributes);
        if (result.decision !== 'noOpinion') return result;
        if (result.reason) reasons.push(result.reason);
      }
      return { decision: 'noOpinion', reason: reasons.join('\n') };
    },
  };
}

/** `system:masters` may do anything, before and whatever RBAC says (authorizerfactory.NewPrivilegedGroups). */
export function privilegedGroupsAuthorizer(groups: readonly string[]): Authorizer {
  return {
    authorize(attributes) {
      return attributes.user.groups.some((g) => groups.includes(g)) ? { decision: 'allow', reason: '' } : NO_OPINION;
    },
  };
}

/** Whether the request may proceed (only an explicit allow lets it). */
export function isAllowed(authorizer: Authorizer, attributes: RequestAttributes): boolean {
  return authorizer.authorize(attributes).decision === 'allow';
}
