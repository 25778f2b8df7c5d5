/**
 * LimitRanges (pkg/registry/core/limitrange, core/v1 `limits`): defaults and bounds for the
 * containers, pods and claims of their namespace, read by the LimitRanger admission
 * (limit-range-admission.ts). No status; `kubectl describe limitrange` draws its table itself.
 */
import { defaultLimitRange } from '../../../api/defaults/limitrange-defaults';
import type { LimitRange } from '../../../api/policy-quota-v1';
import { validateLimitRange, validateLimitRangeUpdate } from '../../../api/validation/limitrange-validation';
import { defaultStrategy, OBJECT_FIELDS, replaceContents } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';

const strategy: ResourceStrategy<LimitRange> = {
  ...defaultStrategy<LimitRange>({ topLevelFields: [...OBJECT_FIELDS, 'spec'], hasStatus: false }),
  prepareForCreate: (range) => void replaceContents(range, defaultLimitRange(range)),
  prepareForUpdate: (range) => void replaceContents(range, defaultLimitRange(range)),
  validate: (range) => validateLimitRange(range),
  validateUpdate: (range, old) => validateLimitRangeUpdate(range, old),
};

export const LIMIT_RANGES = defineKind<LimitRange>({
  group: '', version: 'v1', resource: 'limitranges', singularName: 'limitrange', kind: 'LimitRange', listKind: 'LimitRangeList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['limits'],
  strategy,
});
