/**
 * Which pods a scoped ResourceQuota counts (pkg/quota/v1/evaluator/core podMatchesScopeFunc):
 * `spec.scopes` and `spec.scopeSelector` are one list of requirements, all of which a pod
 * must meet. Terminating: `activeDeadlineSeconds` ≥ 0; BestEffort: the BestEffort QoS class;
 * PriorityClass: `priorityClassName` by In/NotIn/Exists/DoesNotExist;
 * CrossNamespacePodAffinity: an affinity term naming other namespaces. Only pods match a
 * scoped quota: any other kind never does (generic.MatchesNoScopeFunc).
 */
import type { Pod } from './core-v1';
import type { ResourceQuota, ScopedResourceSelectorRequirement } from './policy-quota-v1';
import { qosClassOf } from './qos';

/** spec.scopes as Exists requirements, followed by spec.scopeSelector's (getScopeSelectorsFromQuota). */
export function scopeRequirements(quota: ResourceQuota): ScopedResourceSelectorRequirement[] {
  const fromScopes = (quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' }));
  return [...fromScopes, ...(quota.spec?.scopeSelector?.matchExpressions ?? [])];
}

/** Whether the object meets every scope of the quota (an unscoped quota takes everything). */
export function matchesScopes(quota: ResourceQuota, isPod: boolean, obj: unknown): boolean {
  const requirements = scopeRequirements(quota);
  if (requirements.length === 0) return true;
  return isPod && requirements.every((r) => podMatchesScope(r, obj as Pod));
}

export function podMatchesScope(requirement: ScopedResourceSelectorRequirement, pod: Pod): boolean {
  switch (requirement.scopeName) {
    case 'Terminating': return isTerminating(pod);
    case 'NotTerminating': return !isTerminating(pod);
    case 'BestEffort': return qosClassOf(pod) === 'BestEffort';
    case 'NotBestEffort': return qosClassOf(pod) !== 'BestEffort';
    case 'PriorityClass': return priorityClassMatches(requirement, pod.spec?.priorityClassName ?? '');
    case 'CrossNamespacePodAffinity': return usesCrossNamespaceAffinity(pod);
    default: return false;
  }
}

/** A pod with an active deadline ends on its own (IsTerminating). */
export function isTerminating(pod: Pod): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  return typeof deadline === 'number' && deadline >= 0;
}

/** The selector over the label set {PriorityClass: name} (empty when the pod names no class). */
function priorityClassMatches(requirement: ScopedResourceSelectorRequirement, className: string): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'Exists': return className !== '';
    case 'DoesNotExist': return className === '';
    case 'In': return className !== '' && values.includes(className);
    case 'NotIn': return className === '' || !values.includes(className);
    default: return false;
  }
}

interface AffinityTerm { namespaces?: string[]; namespaceSelector?: unknown }
interface AffinityRules {
  requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: { podAffinityTerm?: AffinityTerm }[];
}

function usesCrossNamespaceAffinity(pod: Pod): boolean {
  const affinity = pod.spec?.affinity as { podAffinity?: AffinityRules; podAntiAffinity?: AffinityRules } | undefined;
  return [affinity?.podAffinity, affinity?.podAntiAffinity].some((rules) => {
    const terms = [...(rules?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(rules?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm ?? {})];
    return terms.some((t) => (t.namespaces ?? []).length > 0 || t.namespaceSelector != null);
  });
}
