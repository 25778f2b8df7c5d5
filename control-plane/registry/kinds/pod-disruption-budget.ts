/**
 * PodDisruptionBudgets (pkg/registry/policy/poddisruptionbudget, policy/v1): created with a
 * zeroed status and generation 1; the spec stays mutable, and a spec change bumps the
 * generation, which the disruption controller reports back as status.observedGeneration
 * (an eviction waits for it: a budget not yet processed answers 429). Status is the
 * controller's and the eviction subresource's to write, through `…/status`.
 */
import type { PodDisruptionBudget } from '../../../api/policy-v1';
import {
  validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate, validatePodDisruptionBudgetUpdate,
} from '../../../api/validation/poddisruptionbudget-validation';
import { podDisruptionBudgetPrinter } from '../../apiserver/tables/pod-disruption-budget-printer';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<PodDisruptionBudget>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

export const podDisruptionBudgetStrategy: ResourceStrategy<PodDisruptionBudget> = {
  ...base,
  prepareForCreate: (pdb) => {
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate: (pdb) => validatePodDisruptionBudget(pdb),
  validateUpdate: (pdb, old) => validatePodDisruptionBudgetUpdate(pdb, old),
  validateStatusUpdate: (pdb, old) => validatePodDisruptionBudgetStatusUpdate(pdb, old),
};

export const POD_DISRUPTION_BUDGETS = defineKind<PodDisruptionBudget>({
  group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', singularName: 'poddisruptionbudget', kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['pdb'],
  strategy: podDisruptionBudgetStrategy,
  printer: podDisruptionBudgetPrinter,
  subresources: { status: STATUS },
});
