/**
 * A TokenReview's answer (pkg/registry/authentication/tokenreview): the token is judged by the
 * same token authenticators as requests' bearer tokens, for the audiences the review asks (or
 * the API's). A token bound to audiences is good for those it names among them; one that is not
 * (a static or bootstrap token) for those of them the API accepts. An unknown token is
 * `invalid bearer token`, a service-account token whose pod, secret, node or account is gone
 * says so; neither is an HTTP error.
 * https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-review-v1/
 */
import type { TokenReviewSpec, TokenReviewStatus } from '../../api/authentication-v1';
import { ApiError, badRequest } from '../../api/errors';
import type { TokenReviewer } from './requester';

export function reviewToken(spec: TokenReviewSpec, reviewer: TokenReviewer | undefined): TokenReviewStatus {
  if (!spec.token) throw badRequest('token is required for TokenReview in authentication');
  if (!reviewer) throw new ApiError('ServiceUnavailable', 'this server authenticates no bearer tokens');
  const asked = spec.audiences && spec.audiences.length > 0 ? spec.audiences : [...reviewer.apiAudiences];
  const verdict = reviewer.tokens.authenticateToken(spec.token, asked);
  if (!verdict) return { authenticated: false, error: 'invalid bearer token' };
  if ('error' in verdict) return { authenticated: false, error: verdict.error };
  const audiences = verdict.audiences ?? asked.filter((a) => reviewer.apiAudiences.includes(a));
  if (audiences.length === 0) {
    return { authenticated: false, error: `token audiences ${JSON.stringify(reviewer.apiAudiences)} is invalid for the target audiences ${JSON.stringify(asked)}` };
  }
  const { name, uid, groups } = verdict.user;
  return { authenticated: true, user: { username: name, ...(uid ? { uid } : {}), groups: [...groups] }, audiences };
}
