/** TokenReview (authentication.k8s.io/v1): who is this bearer token? Answered at once (token-review.ts), never stored. */
import type { TokenReview } from '../../../api/authentication-v1';
import { answered } from '../../auth/access-review';
import { reviewToken } from '../../auth/token-review';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const TOKEN_REVIEWS = defineKind<TokenReview>({
  group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', singularName: 'tokenreview', kind: 'TokenReview', listKind: 'TokenReviewList', namespaced: false,
  verbs: ['create'],
  strategy: defaultStrategy<TokenReview>({ topLevelFields: [...OBJECT_FIELDS, 'spec', 'status'], hasStatus: false }),
  review: (body, requester) => answered(body, reviewToken(body.spec ?? {}, requester.tokens)),
});
