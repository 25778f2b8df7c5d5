/** SelfSubjectReview (authentication.k8s.io/v1, `kubectl auth whoami`): the requester as the server sees them. Never stored. */
import type { SelfSubjectReview } from '../../../api/authorization-v1';
import { answered } from '../../auth/access-review';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const SELF_SUBJECT_REVIEWS = defineKind<SelfSubjectReview>({
  group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', singularName: 'selfsubjectreview', kind: 'SelfSubjectReview', listKind: 'SelfSubjectReviewList', namespaced: false,
  verbs: ['create'],
  strategy: defaultStrategy<SelfSubjectReview>({ topLevelFields: [...OBJECT_FIELDS, 'status'], hasStatus: false }),
  review: (body, requester) => {
    const { name, uid, groups } = requester.user;
    return answered(body, { userInfo: uid ? { username: name, uid, groups: [...groups] } : { username: name, groups: [...groups] } });
  },
});
