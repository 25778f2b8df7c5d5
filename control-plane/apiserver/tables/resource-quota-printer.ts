/**
 * `kubectl get quota` (printResourceQuota): for each resource of status.hard, in name order,
 * `name: used/hard`, under Limit for `limits.*` names and under Request for the rest.
 */
import type { ResourceQuota } from '../../../api/policy-quota-v1';
import { quantitiesOf } from '../../../api/resource-lists';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './columns';
import type { Printer } from './table';

export const resourceQuotaPrinter: Printer = {
  columns: [nameColumn(), ageColumn(), column('Request', 'string', DESCRIPTIONS.resourceQuotaRequest), column('Limit', 'string', DESCRIPTIONS.resourceQuotaLimit)],
  cells: (obj, now) => [nameOf(obj), ageOf(obj, now), ...usageColumns(obj as ResourceQuota)],
};

function usageColumns(quota: ResourceQuota): [string, string] {
  const hard = quantitiesOf(quota.status?.hard);
  const used = quantitiesOf(quota.status?.used);
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of [...hard.keys()].sort()) {
    const entry = `${name}: ${used.get(name)?.toString() ?? '0'}/${hard.get(name)?.toString() ?? '0'}`;
    (name.split('.')[0] === 'limits' && name.includes('.') ? limit : request).push(entry);
  }
  return [request.join(', '), limit.join(', ')];
}
