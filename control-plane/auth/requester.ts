/**
 * Who is asking, with what the server knows of their rights: what kinds need to judge a
 * request by its requester (RBAC's escalation checks, the access reviews).
 */
import type { UserInfo } from './authenticator';
import type { Authorizer } from './authorizer';
import type { RuleResolver } from './rbac/rule-resolver';

export interface AccessControl {
  authorizer: Authorizer;
  /** The RBAC rules of a user (SelfSubjectRulesReview, escalation checks). */
  rules: RuleResolver;
}

export interface Requester extends AccessControl {
  user: UserInfo;
}

/** The group whose members may do anything (authorizer.go, RBAC's EscalationAllowed). */
export const SYSTEM_MASTERS = 'system:masters';
