/** LocalSubjectAccessReview (authorization.k8s.io/v1): a SubjectAccessReview in the URL's namespace. Never stored. */
import { ApiError } from '../../../api/errors';
import type { AccessReview } from '../../../api/authorization-v1';
import { answered, attributesOfSpec, reviewAccess, subjectOfSpec, validateAccessReviewSpec } from '../../auth/access-review';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const LOCAL_SUBJECT_ACCESS_REVIEWS = defineKind<AccessReview>({
  group: 'authorization.k8s.io', version: 'v1', resource: 'localsubjectaccessreviews', singularName: 'localsubjectaccessreview', kind: 'LocalSubjectAccessReview', listKind: 'LocalSubjectAccessReviewList', namespaced: true,
  verbs: ['create'],
  strategy: defaultStrategy<AccessReview>({ topLevelFields: [...OBJECT_FIELDS, 'spec', 'status'], hasStatus: false }),
  review: (body, requester, namespace) => {
    validateAccessReviewSpec('LocalSubjectAccessReview', body.spec ?? {}, true);
    const attributes = attributesOfSpec(subjectOfSpec(body.spec), body.spec);
    if (body.spec.resourceAttributes === undefined || attributes.namespace !== (namespace ?? '')) {
      throw new ApiError('BadRequest', `spec.resourceAttributes.namespace must match namespace: ${namespace ?? ''}`);
    }
    return answered(body, reviewAccess(requester.authorizer, attributes));
  },
});
