/**
 * SubjectAccessReview (authorization.k8s.io/v1): may this user or group do this? Asked by
 * those allowed to create it; answered at once, never stored.
 */
import type { AccessReview } from '../../../api/authorization-v1';
import { answered, attributesOfSpec, reviewAccess, subjectOfSpec, validateAccessReviewSpec } from '../../auth/access-review';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const SUBJECT_ACCESS_REVIEWS = defineKind<AccessReview>({
  group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', singularName: 'subjectaccessreview', kind: 'SubjectAccessReview', listKind: 'SubjectAccessReviewList', namespaced: false,
  verbs: ['create'],
  strategy: defaultStrategy<AccessReview>({ topLevelFields: [...OBJECT_FIELDS, 'spec', 'status'], hasStatus: false }),
  review: (body, requester) => {
    validateAccessReviewSpec('SubjectAccessReview', body.spec ?? {}, true);
    return answered(body, reviewAccess(requester.authorizer, attributesOfSpec(subjectOfSpec(body.spec), body.spec)));
  },
});
