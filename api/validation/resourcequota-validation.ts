/**
 * ResourceQuota validation (pkg/apis/core/validation ValidateResourceQuota, 1.32): each hard
 * resource a standard quota resource or a qualified name, each amount a non-negative quantity
 * (whole for counts); scopes known, valid for every hard resource and not contradicting each
 * other; scope selector requirements with their operators' rules.
 */
import type { ResourceList } from '../core-v1';
import type { ResourceQuota, ResourceQuotaSpec, ScopedResourceSelectorRequirement } from '../policy-quota-v1';
import { QuantityFormatError } from '../quantity';
import { child, index, key } from './field-path';
import { invalid, notSupported, required, type FieldCause } from './field-errors';
import { nameIsDNSSubdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { quantityOf, validateQuantityValue, validateResourceName } from './resource-validation';

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const EXISTS_ONLY = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'CrossNamespacePodAffinity']);

export function validateResourceQuota(quota: ResourceQuota): FieldCause[] {
  return [...validateObjectMeta(quota.metadata, true, nameIsDNSSubdomain), ...validateSpec(quota.spec ?? {}), ...validateResourceQuotaStatus(quota)];
}

export function validateResourceQuotaUpdate(quota: ResourceQuota, old: ResourceQuota): FieldCause[] {
  return [...validateObjectMetaUpdate(quota.metadata, old.metadata), ...validateSpec(quota.spec ?? {})];
}

export function validateResourceQuotaStatus(quota: ResourceQuota): FieldCause[] {
  return [...validateAmounts(quota.status?.hard, child('status', 'hard')), ...validateAmounts(quota.status?.used, child('status', 'used'))];
}

function validateSpec(spec: ResourceQuotaSpec): FieldCause[] {
  return [...validateAmounts(spec.hard, child('spec', 'hard')), ...validateScopes(spec), ...validateScopeSelector(spec)];
}

function validateAmounts(list: ResourceList | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [name, raw] of Object.entries(list ?? {})) {
    const field = key(path, name);
    causes.push(...validateQuotaResourceName(name, field));
    const q = quantityOf(raw);
    if (q instanceof QuantityFormatError) causes.push(invalid(field, String(raw), q.message));
    else causes.push(...validateQuantityValue(name, q, field));
  }
  return causes;
}

/** ValidateResourceQuotaResourceName. */
function validateQuotaResourceName(name: string, field: string): FieldCause[] {
  if (name.includes('/')) return validateResourceName(name, field);
  const standard = STANDARD_QUOTA_RESOURCES.has(name) || name.startsWith('requests.hugepages-');
  return standard ? [] : [invalid(field, name, 'must be a standard resource for quota')];
}

function validateScopes(spec: ResourceQuotaSpec): FieldCause[] {
  const scopes = spec.scopes ?? [];
  const field = child('spec', 'scopes');
  const causes: FieldCause[] = [];
  for (const scope of scopes) {
    if (!SCOPES.includes(scope)) causes.push(invalid(field, scopes, 'unsupported scope'));
    for (const name of Object.keys(spec.hard ?? {}).sort()) {
      if (STANDARD_QUOTA_RESOURCES.has(name) && !scopeValidFor(scope, name)) causes.push(invalid(field, scopes, 'unsupported scope applied to resource'));
    }
  }
  const has = (s: string): boolean => scopes.includes(s);
  if ((has('BestEffort') && has('NotBestEffort')) || (has('Terminating') && has('NotTerminating'))) causes.push(invalid(field, scopes, 'conflicting scopes'));
  return causes;
}

/** IsResourceQuotaScopeValidForResource. */
function scopeValidFor(scope: string, name: string): boolean {
  if (scope === 'BestEffort') return name === 'pods';
  if (SCOPES.includes(scope)) return name === 'pods' || POD_COMPUTE.has(name);
  return true;
}

function validateScopeSelector(spec: ResourceQuotaSpec): FieldCause[] {
  const expressions = spec.scopeSelector?.matchExpressions ?? [];
  const path = child(child('spec', 'scopeSelector'), 'matchExpressions');
  return expressions.flatMap((req, i) => validateRequirement(req, index(path, i)));
}

function validateRequirement(req: ScopedResourceSelectorRequirement, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!SCOPES.includes(req.scopeName)) causes.push(notSupported(child(path, 'scopeName'), req.scopeName, SCOPES));
  if (EXISTS_ONLY.has(req.scopeName) && req.operator !== 'Exists') {
    causes.push(invalid(child(path, 'operator'), req.operator, "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
  }
  const values = req.values ?? [];
  if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
    causes.push(required(child(path, 'values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
  } else if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
    causes.push(invalid(child(path, 'values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
  } else if (!OPERATORS.includes(req.operator)) {
    causes.push(invalid(child(path, 'operator'), req.operator, 'not a valid selector operator'));
  }
  return causes;
}
