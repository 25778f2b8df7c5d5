/**
 * Whether one PolicyRule covers a request, as RBAC's RuleAllows: every list must match; `*`
 * matches anything in verbs, apiGroups, resources and nonResourceURLs; `pods/log` names a
 * subresource and `*\/log` that subresource of any resource; `resourceNames` limits a rule to
 * those objects (a request naming no object never matches it); a non-resource URL ending in
 * `*` is a prefix.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
import type { PolicyRule } from '../../../api/rbac-v1';
import type { RequestAttributes } from '../authorizer';

export const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes(ALL) || rule.verbs.includes(verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  const groups = rule.apiGroups ?? [];
  return groups.includes(ALL) || groups.includes(group);
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === ALL || url === path) return true;
    if (url.endsWith('*') && path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}

/** RuleAllows. */
export function ruleAllows(a: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceURLMatches(rule, a.path);
  return apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, a.resource, a.subresource) && resourceNameMatches(rule, a.name);
}

export function rulesAllow(a: RequestAttributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((rule) => ruleAllows(a, rule));
}
