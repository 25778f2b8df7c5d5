/** SelfSubjectRulesReview (authorization.k8s.io/v1, `kubectl auth can-i --list`): what may I do in this namespace? Never stored. */
import type { SelfSubjectRulesReview } from '../../../api/authorization-v1';
import { answered, reviewRules } from '../../auth/access-review';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const SELF_SUBJECT_RULES_REVIEWS = defineKind<SelfSubjectRulesReview>({
  group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectrulesreviews', singularName: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview', listKind: 'SelfSubjectRulesReviewList', namespaced: false,
  verbs: ['create'],
  strategy: defaultStrategy<SelfSubjectRulesReview>({ topLevelFields: [...OBJECT_FIELDS, 'spec', 'status'], hasStatus: false }),
  review: (body, requester) => answered(body, reviewRules(requester.rules, requester.user, body.spec?.namespace ?? '')),
});
