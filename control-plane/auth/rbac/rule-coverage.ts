/**
 * Whether a set of rules covers another (RBAC's validation.Covers): each requested rule is
 * broken into single-verb, single-group, single-resource, single-name rules (non-resource:
 * single verb and URL), and each piece must be covered by one owner rule. What is not covered
 * is returned, written as PolicyRule.CompactString writes rules.
 */
import type { PolicyRule } from '../../../api/rbac-v1';
import { ALL } from './policy-rule';

function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
        for (const name of names) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
      }
    }
  }
  return out;
}

function hasAllOrIt(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).includes(ALL) || (list ?? []).includes(value);
}

function resourceCovered(owner: readonly string[] | undefined, resource: string): boolean {
  if (hasAllOrIt(owner, resource)) return true;
  const slash = resource.indexOf('/');
  return slash >= 0 && (owner ?? []).includes(`*${resource.slice(slash)}`);
}

function urlCovered(owner: readonly string[] | undefined, url: string): boolean {
  return (owner ?? []).some((o) => o === ALL || o === url || (o.endsWith('*') && url.startsWith(o.slice(0, -1))));
}

/** ruleCovers for one broken-down rule. */
function covers(owner: PolicyRule, piece: PolicyRule): boolean {
  if (!hasAllOrIt(owner.verbs, piece.verbs[0])) return false;
  if (piece.nonResourceURLs) return urlCovered(owner.nonResourceURLs, piece.nonResourceURLs[0]);
  if (!hasAllOrIt(owner.apiGroups, (piece.apiGroups ?? [])[0]) || !resourceCovered(owner.resources, (piece.resources ?? [])[0])) return false;
  const ownerNames = owner.resourceNames ?? [];
  if (ownerNames.length === 0) return true;
  return piece.resourceNames !== undefined && ownerNames.includes(piece.resourceNames[0]);
}

/** The requested rules' pieces no owner rule covers (empty: covered). */
export function uncoveredRules(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  return requested.flatMap(breakdown).filter((piece) => !owner.some((o) => covers(o, piece)));
}

function goQuoted(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/** `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`: only the lists a rule has. */
export function compactRule(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${goQuoted(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${goQuoted(rule.resources)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(rule.resourceNames)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(rule.nonResourceURLs)}`);
  parts.push(`Verbs:${goQuoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
