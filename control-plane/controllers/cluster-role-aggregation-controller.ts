/**
 * The clusterrole-aggregation controller's wiring (decision in cluster-role-aggregation-plan.ts):
 * any ClusterRole change may change what an aggregated role selects, so it enqueues every role
 * with an aggregationRule; reconcile writes the planned rules with a compare-and-swap on the
 * cached resourceVersion (a Conflict requeues).
 */
import type { ClusterRole } from '../../api/rbac-v1';
import { cacheKey } from '../store/informer';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { planAggregation } from './cluster-role-aggregation-plan';

const CLUSTER_ROLES = 'clusterroles.rbac.authorization.k8s.io';

export const clusterRoleAggregationController = defineController({
  name: 'clusterrole-aggregation-controller',
  setup(ctx) {
    const roles = ctx.informers.forResource<ClusterRole>(CLUSTER_ROLES);
    const aggregatedKeys = (): string[] => roles.list((r) => r.aggregationRule !== undefined).map(cacheKey);
    return {
      watches: [changesOf(roles, () => aggregatedKeys())],
      async reconcile(key) {
        const cached = roles.get(key);
        if (!cached) return {};
        const rules = planAggregation(cached, roles.list());
        if (!rules) return {};
        const next: ClusterRole = { ...structuredClone(cached), rules };
        await ctx.client.update(CLUSTER_ROLES, undefined, key, next).catch(unlessNotFound);
        return {};
      },
    };
  },
});
