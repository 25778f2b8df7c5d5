/**
 * Who is asking, with what the server knows of their rights: what kinds need to judge a
 * request by its requester (RBAC's escalation checks, the access reviews).
 */
import type { TokenAuthenticator, UserInfo } from './authenticator';
import type { Authorizer } from './authorizer';
import type { RuleResolver } from './rbac/rule-resolver';

export interface AccessControl {
  authorizer: Authorizer;
  /** The RBAC rules of a user (SelfSubjectRulesReview, escalation checks). */
  rules: RuleResolver;
}

/** How the server tells who a bearer token is: what TokenReview asks. */
export interface TokenReviewer {
  /** The same token authenticators requests are authenticated by. */
  tokens: TokenAuthenticator;
  /** What the API accepts tokens for (`--api-audiences`, default the issuer). */
  apiAudiences: readonly string[];
}

export interface Requester extends AccessControl {
  user: UserInfo;
  /** Absent on a server without token authentication: TokenReview then refuses. */
  tokens?: TokenReviewer;
}

/** The group whose members may do anything (authorizer.go, RBAC's EscalationAllowed). */
export const SYSTEM_MASTERS = 'system:masters';
