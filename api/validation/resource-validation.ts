/**
 * Container resource requirements (validateResourceRequirements in
 * pkg/apis/core/validation/validation.go): resource names, quantities, requests ≤ limits.
 * A quantity that does not parse is reported here as Invalid with Kubernetes' parse message
 * (a real API server rejects it while decoding, with the same text).
 */
import type { ResourceRequirements } from '../core-v1';
import { Quantity, QuantityFormatError, tryParseQuantity } from '../quantity';
import { child, key } from './field-path';
import { forbidden, invalid, required, type FieldCause } from './field-errors';
import { isQualifiedName } from './names';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers',
  'resourcequotas', 'secrets', 'persistentvolumeclaims', 'configmaps', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
]);

export const isHugePageResource = (name: string): boolean => name.startsWith('hugepages-');
/** Unprefixed or kubernetes.io-prefixed names are native; others are extended resources. */
export const isNativeResource = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');

export function isExtendedResource(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Requests may be below limits only for native, non-hugepage resources. */
const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePageResource(name);

/** A quantity from JSON: Kubernetes accepts a string or a bare number. */
export function quantityOf(raw: unknown): Quantity | QuantityFormatError {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  return tryParseQuantity(text);
}

export function validateContainerResourceName(name: string, field: string): FieldCause[] {
  const causes = validateResourceName(name, field);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResource(name)) causes.push(invalid(field, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    causes.push(invalid(field, name, "doesn't follow extended resource name standard"));
  }
  return causes;
}

/** validateResourceName: a qualified name, standard unless it has a domain. */
export function validateResourceName(name: string, field: string): FieldCause[] {
  const causes = isQualifiedName(name).map((msg) => invalid(field, name, msg));
  if (causes.length > 0) return causes;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !isHugePageResource(name)) {
    return [invalid(field, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

/** ValidateResourceQuantityValue: not negative; a whole number for integer resources. */
export function validateQuantityValue(name: string, q: Quantity, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (q.sign() < 0) causes.push(invalid(field, q.toString(), 'must be greater than or equal to 0'));
  if ((name === 'pods' || isExtendedResource(name)) && q.milliValue() % 1000n !== 0n) causes.push(invalid(field, q.toString(), 'must be an integer'));
  return causes;
}

/** Parses one resource list, reporting names and values; returns the parsed quantities. */
function checkList(list: Record<string, unknown> | undefined, path: string, causes: FieldCause[]): Map<string, Quantity> {
  const parsed = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const field = key(path, name);
    causes.push(...validateContainerResourceName(name, field));
    const q = quantityOf(raw);
    if (q instanceof QuantityFormatError) causes.push(invalid(field, typeof raw === 'string' ? raw : String(raw), q.message));
    else {
      causes.push(...validateQuantityValue(name, q, field));
      parsed.set(name, q);
    }
  }
  return parsed;
}

export function validateResourceRequirements(resources: ResourceRequirements | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = checkList(resources?.limits, limPath, causes);
  const requests = checkList(resources?.requests, reqPath, causes);
  for (const [name, request] of requests) causes.push(...compareToLimit(name, request, limits.get(name), reqPath, limPath));
  const names = [...limits.keys(), ...requests.keys()];
  if (names.some(isHugePageResource) && !names.some((n) => n === 'cpu' || n === 'memory')) causes.push(forbidden(path, 'HugePages require cpu or memory'));
  return causes;
}

function compareToLimit(name: string, request: Quantity, limit: Quantity | undefined, reqPath: string, limPath: string): FieldCause[] {
  if (!limit) return isOvercommitAllowed(name) ? [] : [required(limPath, 'Limit must be set for non overcommitable resources')];
  if (request.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
    return [invalid(reqPath, request.toString(), `must be equal to ${name} limit of ${limit.toString()}`)];
  }
  if (request.cmp(limit) > 0) return [invalid(reqPath, request.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`)];
  return [];
}
