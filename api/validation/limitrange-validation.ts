/**
 * LimitRange validation (pkg/apis/core/validation ValidateLimitRange, 1.32): one item per
 * type (Container, Pod, PersistentVolumeClaim or a qualified name), resource names as the
 * type allows, no defaults for Pod, min or max storage for claims, and the orderings
 * min ≤ defaultRequest ≤ default ≤ max, 1 ≤ maxLimitRequestRatio ≤ max/min — in the
 * apiserver's words.
 */
import type { ResourceList } from '../core-v1';
import type { LimitRange, LimitRangeItem } from '../policy-quota-v1';
import { Quantity, QuantityFormatError } from '../quantity';
import { child, index, key } from './field-path';
import { duplicate, forbidden, invalid, required, type FieldCause } from './field-errors';
import { isQualifiedName, nameIsDNSSubdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { quantityOf, validateContainerResourceName, validateResourceName } from './resource-validation';

const STANDARD_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];
const LISTS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
type ListName = (typeof LISTS)[number];
const MAX_MILLI_VALUE = 9223372036854775n;

export function validateLimitRange(range: LimitRange): FieldCause[] {
  return [...validateObjectMeta(range.metadata, true, nameIsDNSSubdomain), ...validateLimitRangeSpec(range)];
}

export function validateLimitRangeUpdate(range: LimitRange, old: LimitRange): FieldCause[] {
  return [...validateObjectMetaUpdate(range.metadata, old.metadata), ...validateLimitRangeSpec(range)];
}

function validateLimitRangeSpec(range: LimitRange): FieldCause[] {
  const causes: FieldCause[] = [];
  const seen = new Set<string>();
  (range.spec?.limits ?? []).forEach((item, i) => {
    const path = index(child('spec', 'limits'), i);
    causes.push(...validateTypeName(item.type, child(path, 'type')));
    if (seen.has(item.type)) causes.push(duplicate(child(path, 'type'), item.type));
    seen.add(item.type);
    causes.push(...validateItem(item, path));
  });
  return causes;
}

function validateTypeName(type: string, field: string): FieldCause[] {
  const causes = isQualifiedName(type ?? '').map((msg) => invalid(field, type, msg));
  if (causes.length > 0) return causes;
  return !type.includes('/') && !STANDARD_TYPES.includes(type) ? [invalid(field, type, 'must be a standard limit type or fully qualified')] : [];
}

function validateItem(item: LimitRangeItem, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const lists = new Map<ListName, Map<string, Quantity>>();
  for (const name of LISTS) {
    if (item.type === 'Pod' && (name === 'default' || name === 'defaultRequest')) {
      if (Object.keys(item[name] ?? {}).length > 0) causes.push(forbidden(child(path, name), "may not be specified when `type` is 'Pod'"));
      continue;
    }
    lists.set(name, parseList(item, item[name], child(path, name), causes));
  }
  if (item.type === 'PersistentVolumeClaim' && !Object.hasOwn(item.min ?? {}, 'storage') && !Object.hasOwn(item.max ?? {}, 'storage')) {
    causes.push(required(child(path, 'limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  const names = new Set([...lists.values()].flatMap((l) => [...l.keys()]));
  for (const name of [...names].sort()) causes.push(...validateOrderings(name, lists, path));
  return causes;
}

function parseList(item: LimitRangeItem, list: ResourceList | undefined, path: string, causes: FieldCause[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const field = key(path, name);
    causes.push(...(item.type === 'Pod' || item.type === 'Container' ? validateContainerResourceName(name, field) : validateResourceName(name, field)));
    const q = quantityOf(raw);
    if (q instanceof QuantityFormatError) causes.push(invalid(field, String(raw), q.message));
    else out.set(name, q);
  }
  return out;
}

function validateOrderings(name: string, lists: Map<ListName, Map<string, Quantity>>, path: string): FieldCause[] {
  const get = (list: ListName): Quantity | undefined => lists.get(list)?.get(name);
  const [min, max, def, defReq, ratio] = [get('min'), get('max'), get('default'), get('defaultRequest'), get('maxLimitRequestRatio')];
  const at = (list: ListName): string => key(child(path, list), name);
  const causes: FieldCause[] = [];
  if (min && max && min.cmp(max) > 0) causes.push(invalid(at('min'), min.toString(), `min value ${min.toString()} is greater than max value ${max.toString()}`));
  if (defReq && min && min.cmp(defReq) > 0) causes.push(invalid(at('defaultRequest'), defReq.toString(), `min value ${min.toString()} is greater than default request value ${defReq.toString()}`));
  if (defReq && max && defReq.cmp(max) > 0) causes.push(invalid(at('defaultRequest'), defReq.toString(), `default request value ${defReq.toString()} is greater than max value ${max.toString()}`));
  if (defReq && def && defReq.cmp(def) > 0) causes.push(invalid(at('defaultRequest'), defReq.toString(), `default request value ${defReq.toString()} is greater than default limit value ${def.toString()}`));
  if (def && min && min.cmp(def) > 0) causes.push(invalid(at('default'), min.toString(), `min value ${min.toString()} is greater than default value ${def.toString()}`));
  if (def && max && def.cmp(max) > 0) causes.push(invalid(at('default'), max.toString(), `default value ${def.toString()} is greater than max value ${max.toString()}`));
  if (ratio && ratio.cmp(Quantity.fromValue(1)) < 0) causes.push(invalid(at('maxLimitRequestRatio'), ratio.toString(), `ratio ${ratio.toString()} is less than 1`));
  if (ratio && min && max) causes.push(...ratioAgainstRange(ratio, min, max, at('maxLimitRequestRatio')));
  return causes;
}

function ratioAgainstRange(ratio: Quantity, min: Quantity, max: Quantity, field: string): FieldCause[] {
  const milli = ratio.value() < MAX_MILLI_VALUE && min.value() < MAX_MILLI_VALUE && max.value() < MAX_MILLI_VALUE;
  const ratioValue = milli ? Number(ratio.milliValue()) / 1000 : Number(ratio.value());
  const limit = milli ? Number(max.milliValue()) / Number(min.milliValue()) : Number(max.value()) / Number(min.value());
  return ratioValue > limit ? [invalid(field, ratio.toString(), `ratio ${ratio.toString()} is greater than max/min = ${limit.toFixed(6)}`)] : [];
}
