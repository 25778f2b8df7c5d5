/**
 * The answers of the access reviews (pkg/registry/authorization): a SubjectAccessReview's
 * attributes judged by the authorizer chain, and the rules a user holds in a namespace
 * (SelfSubjectRulesReview, `kubectl auth can-i --list`). An unset version, group or name in a
 * review's resource attributes is as kubectl sends it: any version.
 */
import { invalid } from '../../api/errors';
import type { NonResourceRule, ResourceRule, SubjectAccessReviewSpec, SubjectAccessReviewStatus } from '../../api/authorization-v1';
import type { StatusCause } from '../../api/meta';
import { invalidOmitValue, required } from '../../api/validation/field-errors';
import type { UserInfo } from './authenticator';
import type { Authorizer, RequestAttributes } from './authorizer';
import type { RuleResolver } from './rbac/rule-resolver';
import { SYSTEM_MASTERS } from './requester';

/** ValidateSelfSubjectAccessReviewSpec's first rule, shared by every access review. */
export function validateAccessReviewSpec(kind: string, spec: SubjectAccessReviewSpec, needsSubject: boolean): void {
  const causes: StatusCause[] = [];
  const resource = spec.resourceAttributes !== undefined;
  const nonResource = spec.nonResourceAttributes !== undefined;
  if (resource && nonResource) causes.push(invalidOmitValue('spec.nonResourceAttributes', 'cannot be specified in combination with resourceAttributes'));
  if (!resource && !nonResource) causes.push(required('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (needsSubject && !spec.user && (spec.groups ?? []).length === 0) causes.push(invalidOmitValue('spec.user', 'at least one of user or group must be specified'));
  if (causes.length > 0) throw invalid(kind, '', causes, 'authorization.k8s.io');
}

export function attributesOfSpec(user: UserInfo, spec: SubjectAccessReviewSpec): RequestAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user, verb: r.verb ?? '', resourceRequest: true, path: '', apiGroup: r.group ?? '', apiVersion: r.version ?? '',
      resource: r.resource ?? '', subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', resourceRequest: false, path: n.path ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

export function reviewAccess(authorizer: Authorizer, attributes: RequestAttributes): SubjectAccessReviewStatus {
  const result = authorizer.authorize(attributes);
  const status: SubjectAccessReviewStatus = { allowed: result.decision === 'allow' };
  if (result.decision === 'deny') status.denied = true;
  if (result.reason) status.reason = result.reason;
  return status;
}

export interface RulesReviewStatus {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/** The rules of the user in `namespace`: everything for system:masters, then RBAC's. */
export function reviewRules(resolver: RuleResolver, user: UserInfo, namespace: string): RulesReviewStatus {
  const status: RulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false };
  if (user.groups.includes(SYSTEM_MASTERS)) {
    status.resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    status.nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
  }
  const { rules, errors } = resolver.rulesFor(user, namespace);
  for (const rule of rules) {
    if ((rule.nonResourceURLs ?? []).length > 0) status.nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...(rule.nonResourceURLs ?? [])] });
    else {
      const r: ResourceRule = { verbs: [...rule.verbs], apiGroups: [...(rule.apiGroups ?? [])], resources: [...(rule.resources ?? [])] };
      if ((rule.resourceNames ?? []).length > 0) r.resourceNames = [...(rule.resourceNames ?? [])];
      status.resourceRules.push(r);
    }
  }
  if (errors.length > 0) status.evaluationError = [...new Set(errors)].join(', ');
  return status;
}

/** A review as answered: the body with its status, and no creation time (never stored). */
export function answered<T extends { metadata: object }>(body: T, status: unknown): T {
  return { ...body, metadata: { ...body.metadata, creationTimestamp: null }, status } as T;
}

/** The subject a SubjectAccessReview names. */
export function subjectOfSpec(spec: SubjectAccessReviewSpec): UserInfo {
  return spec.uid ? { name: spec.user ?? '', groups: [...(spec.groups ?? [])], uid: spec.uid } : { name: spec.user ?? '', groups: [...(spec.groups ?? [])] };
}
