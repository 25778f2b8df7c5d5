/**
 * Node validation (ValidateNode / ValidateNodeUpdate in pkg/apis/core/validation).
 */
import { isIP } from 'node:net';
import type { Node } from '../core-v1';
import { Quantity, QuantityFormatError } from '../quantity';
import { child, index } from './field-path';
import { duplicate, forbidden, invalid, type FieldCause } from './field-errors';
import { nameIsDNSSubdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { quantityOf, validateQuantityValue } from './resource-validation';
import { validateTaints } from './toleration-validation';

const CIDR_MESSAGE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

export function validateNode(node: Node): FieldCause[] {
  return [
    ...validateObjectMeta(node.metadata ?? {}, false, nameIsDNSSubdomain),
    // Kubernetes reports taints under metadata.taints (its field path says so, not spec).
    ...validateTaints(node.spec?.taints, 'metadata.taints'),
    ...validateNodeResources(node),
    ...validatePodCIDRs(node.spec?.podCIDRs ?? []),
  ];
}

/** Capacity and allocatable quantities parse and are not negative (paths as Kubernetes prints them). */
export function validateNodeResources(node: Node): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const list of ['capacity', 'allocatable'] as const) {
    for (const [name, raw] of Object.entries(node.status?.[list] ?? {})) {
      const field = child(child('status', list), name);
      const q = quantityOf(raw);
      if (q instanceof QuantityFormatError) causes.push(invalid(field, String(raw), q.message));
      else causes.push(...validateQuantityValue(name, q as Quantity, field));
    }
  }
  return causes;
}

function validatePodCIDRs(cidrs: string[]): FieldCause[] {
  const path = 'spec.podCIDRs';
  const causes: FieldCause[] = cidrs.flatMap((c, i) => (isCIDR(c) ? [] : [invalid(index(path, i), c, CIDR_MESSAGE)]));
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => isIP(c.split('/')[0])));
    if (families.size !== cidrs.length || cidrs.length > 2) causes.push(invalid(path, cidrs, 'may specify no more than one CIDR for each IP family'));
    cidrs.forEach((c, i) => {
      if (cidrs.indexOf(c) !== i) causes.push(duplicate(index(path, i), c));
    });
  }
  return causes;
}

export function isCIDR(value: string): boolean {
  const [ip, bits, ...rest] = value.split('/');
  const family = isIP(ip ?? '');
  if (rest.length > 0 || family === 0 || !/^[0-9]{1,3}$/.test(bits ?? '')) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** ValidateNodeUpdate: podCIDRs and providerID may only go from unset to set. */
export function validateNodeUpdate(next: Node, old: Node): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata ?? {}, old.metadata ?? {}), ...validateNodeResources(next)];
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const nextCIDRs = next.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && (oldCIDRs.length !== nextCIDRs.length || oldCIDRs.some((c, i) => c !== nextCIDRs[i]))) {
    causes.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  const oldProvider = old.spec?.providerID ?? '';
  if (oldProvider && oldProvider !== (next.spec?.providerID ?? '')) {
    causes.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return causes.concat(validateTaints(next.spec?.taints, 'metadata.taints'));
}
