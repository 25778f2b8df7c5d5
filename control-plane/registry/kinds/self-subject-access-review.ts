/** SelfSubjectAccessReview (authorization.k8s.io/v1, `kubectl auth can-i`): may I? Answered at once, never stored. */
import type { AccessReview } from '../../../api/authorization-v1';
import { answered, attributesOfSpec, reviewAccess, validateAccessReviewSpec } from '../../auth/access-review';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const SELF_SUBJECT_ACCESS_REVIEWS = defineKind<AccessReview>({
  group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', listKind: 'SelfSubjectAccessReviewList', namespaced: false,
  verbs: ['create'],
  strategy: defaultStrategy<AccessReview>({ topLevelFields: [...OBJECT_FIELDS, 'spec', 'status'], hasStatus: false }),
  review: (body, requester) => {
    validateAccessReviewSpec('SelfSubjectAccessReview', body.spec ?? {}, false);
    return answered(body, reviewAccess(requester.authorizer, attributesOfSpec(requester.user, body.spec)));
  },
});
