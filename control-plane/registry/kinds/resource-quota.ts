/**
 * ResourceQuotas (pkg/registry/core/resourcequota, core/v1 `quota`): created with an empty
 * status; spec.hard is the user's, status.hard and status.used are the resource-quota
 * controller's and the quota admission's, written through `…/status` (resource-quota-admission.ts
 * charges each create there with a compare-and-swap). `kubectl describe quota` draws its table
 * from the status.
 */
import type { ResourceQuota } from '../../../api/policy-quota-v1';
import { normalizeResourceList } from '../../../api/defaults/resource-list-defaults';
import {
  validateResourceQuota, validateResourceQuotaStatus, validateResourceQuotaUpdate,
} from '../../../api/validation/resourcequota-validation';
import { validateObjectMetaUpdate } from '../../../api/validation/object-meta';
import { resourceQuotaPrinter } from '../../apiserver/tables/resource-quota-printer';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<ResourceQuota>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

/** SetDefaults_ResourceList on the quota's lists. */
function normalizeHard(quota: ResourceQuota): void {
  if (quota.spec?.hard) quota.spec.hard = normalizeResourceList(quota.spec.hard);
}

const strategy: ResourceStrategy<ResourceQuota> = {
  ...base,
  tracksGeneration: false,
  prepareForCreate: (quota) => {
    normalizeHard(quota);
    quota.status = {};
  },
  prepareForUpdate: (quota, old, ctx) => {
    base.prepareForUpdate(quota, old, ctx);
    normalizeHard(quota);
  },
  validate: (quota) => validateResourceQuota(quota),
  validateUpdate: (quota, old) => validateResourceQuotaUpdate(quota, old),
  validateStatusUpdate: (quota, old) => [...validateObjectMetaUpdate(quota.metadata, old.metadata), ...validateResourceQuotaStatus(quota)],
};

export const RESOURCE_QUOTAS = defineKind<ResourceQuota>({
  group: '', version: 'v1', resource: 'resourcequotas', singularName: 'resourcequota', kind: 'ResourceQuota', listKind: 'ResourceQuotaList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['quota'],
  strategy,
  printer: resourceQuotaPrinter,
  subresources: { status: STATUS },
});
