/**
 * SetDefaults_LimitRangeItem (pkg/apis/core/v1/defaults.go) and SetDefaults_ResourceList on
 * each list. For a Container item: a missing default limit is the max; a missing default
 * request is the default limit, else the min. Returns a defaulted copy.
 */
import type { ResourceList } from '../core-v1';
import type { LimitRange, LimitRangeItem } from '../policy-quota-v1';
import { normalizeResourceList } from './resource-list-defaults';

const LISTS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

export function defaultLimitRange(range: LimitRange): LimitRange {
  const out = structuredClone(range);
  out.spec = { ...out.spec, limits: (out.spec?.limits ?? []).map(defaultItem) };
  return out;
}

function defaultItem(item: LimitRangeItem): LimitRangeItem {
  const out: LimitRangeItem = { ...item };
  for (const list of LISTS) if (out[list]) out[list] = normalizeResourceList(out[list] as ResourceList);
  if (out.type !== 'Container') return out;
  out.default = { ...out.max, ...out.default };
  out.defaultRequest = { ...out.min, ...out.default, ...out.defaultRequest };
  return out;
}
