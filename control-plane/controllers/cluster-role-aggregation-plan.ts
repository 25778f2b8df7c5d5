/**
 * The rules of an aggregated ClusterRole (the clusterrole-aggregation controller, 1.32): the
 * union, in name order and without duplicates, of the rules of every other ClusterRole whose
 * labels one of its `aggregationRule.clusterRoleSelectors` matches. Pure.
 */
import { matchesLabels, selectorFromLabelSelector } from '../../api/label-selector';
import type { ClusterRole, PolicyRule } from '../../api/rbac-v1';
import { semanticEqual } from '../../api/semantic-equality';

/** The rules `role` should hold, or undefined when it holds them already (or aggregates nothing). */
export function planAggregation(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map(selectorFromLabelSelector);
  if (selectors.length === 0) return undefined;
  const sources = all
    .filter((other) => other.metadata.name !== role.metadata.name && selectors.some((s) => matchesLabels(s, other.metadata.labels)))
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const rules: PolicyRule[] = [];
  for (const source of sources) {
    for (const rule of source.rules ?? []) if (!rules.some((r) => semanticEqual(r, rule))) rules.push(structuredClone(rule));
  }
  return semanticEqual(rules, role.rules ?? []) ? undefined : rules;
}
