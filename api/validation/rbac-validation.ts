/**
 * RBAC validation (pkg/apis/rbac/validation 1.32): names are path segments; every rule has
 * verbs; a rule is either about resources (apiGroups and resources required) or about
 * non-resource URLs (ClusterRoles only, nothing else in the rule); a binding refers to a role of
 * rbac.authorization.k8s.io (a ClusterRoleBinding to a ClusterRole only), names subjects
 * properly, and never changes its roleRef.
 */
import { RBAC_GROUP, type AggregationRule, type ClusterRole, type PolicyRule, type Role, type RoleBinding, type RoleRef, type Subject } from '../rbac-v1';
import { invalidGo, notSupported, required, type FieldCause } from './field-errors';
import { validateLabelSelector } from './label-selector-validation';
import { isDNS1123Subdomain, nameIsPathSegment } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { semanticEqual } from '../semantic-equality';

function goStrings(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if ((rule.verbs ?? []).length === 0) causes.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) causes.push(invalidGo(`${path}.nonResourceURLs`, goStrings(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      causes.push(invalidGo(`${path}.nonResourceURLs`, goStrings(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return causes;
  }
  if ((rule.apiGroups ?? []).length === 0) causes.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) causes.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return causes;
}

function validateRules(rules: readonly PolicyRule[] | undefined, namespaced: boolean): FieldCause[] {
  return (rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, namespaced, `rules[${i}]`));
}

export function validateRole(role: Role): FieldCause[] {
  return [...validateObjectMeta(role.metadata, true, nameIsPathSegment), ...validateRules(role.rules, true)];
}

function validateAggregationRule(rule: AggregationRule | undefined): FieldCause[] {
  if (!rule) return [];
  const selectors = rule.clusterRoleSelectors ?? [];
  if (selectors.length === 0) return [required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil')];
  return selectors.flatMap((s, i) => validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`));
}

export function validateClusterRole(role: ClusterRole): FieldCause[] {
  return [...validateObjectMeta(role.metadata, false, nameIsPathSegment), ...validateRules(role.rules, false), ...validateAggregationRule(role.aggregationRule)];
}

export function validateRoleUpdate(role: Role, old: Role): FieldCause[] {
  return [...validateObjectMetaUpdate(role.metadata, old.metadata), ...validateRole(role)];
}

export function validateClusterRoleUpdate(role: ClusterRole, old: ClusterRole): FieldCause[] {
  return [...validateObjectMetaUpdate(role.metadata, old.metadata), ...validateClusterRole(role)];
}

function validateRoleRef(ref: RoleRef | undefined, kinds: readonly string[]): FieldCause[] {
  const causes: FieldCause[] = [];
  const r = ref ?? { apiGroup: '', kind: '', name: '' };
  if (r.apiGroup !== RBAC_GROUP) causes.push(notSupported('roleRef.apiGroup', r.apiGroup ?? '', [RBAC_GROUP]));
  if (!kinds.includes(r.kind)) causes.push(notSupported('roleRef.kind', r.kind ?? '', kinds));
  if (!r.name) causes.push(required('roleRef.name'));
  else for (const m of nameIsPathSegment(r.name, false)) causes.push(invalidGo('roleRef.name', JSON.stringify(r.name), m));
  return causes;
}

export function validateSubject(s: Subject, clusterScoped: boolean, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!s.name) causes.push(required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of isDNS1123Subdomain(s.name)) causes.push(invalidGo(`${path}.name`, JSON.stringify(s.name), m));
      if (s.apiGroup) causes.push(notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (clusterScoped && !s.namespace) causes.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) causes.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      causes.push(notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return causes;
}

function validateBinding(binding: RoleBinding, clusterScoped: boolean, kinds: readonly string[]): FieldCause[] {
  return [
    ...validateObjectMeta(binding.metadata, !clusterScoped, nameIsPathSegment),
    ...validateRoleRef(binding.roleRef, kinds),
    ...(binding.subjects ?? []).flatMap((s, i) => validateSubject(s, clusterScoped, `subjects[${i}]`)),
  ];
}

export function validateRoleBinding(binding: RoleBinding): FieldCause[] {
  return validateBinding(binding, false, ['Role', 'ClusterRole']);
}

export function validateClusterRoleBinding(binding: RoleBinding): FieldCause[] {
  return validateBinding(binding, true, ['ClusterRole']);
}

function roleRefUnchanged(binding: RoleBinding, old: RoleBinding): FieldCause[] {
  if (semanticEqual(binding.roleRef, old.roleRef)) return [];
  const r = binding.roleRef;
  return [invalidGo('roleRef', `rbac.RoleRef{APIGroup:${JSON.stringify(r.apiGroup)}, Kind:${JSON.stringify(r.kind)}, Name:${JSON.stringify(r.name)}}`, 'cannot change roleRef')];
}

export function validateRoleBindingUpdate(binding: RoleBinding, old: RoleBinding): FieldCause[] {
  return [...validateObjectMetaUpdate(binding.metadata, old.metadata), ...validateRoleBinding(binding), ...roleRefUnchanged(binding, old)];
}

export function validateClusterRoleBindingUpdate(binding: RoleBinding, old: RoleBinding): FieldCause[] {
  return [...validateObjectMetaUpdate(binding.metadata, old.metadata), ...validateClusterRoleBinding(binding), ...roleRefUnchanged(binding, old)];
}
