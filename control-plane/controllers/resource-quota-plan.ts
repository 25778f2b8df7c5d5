/**
 * The resource-quota controller's decision, pure (pkg/controller/resourcequota syncResourceQuota):
 * a quota's status is `hard` = spec.hard and `used` = what the namespace's objects cost for
 * each hard resource (0 when nothing counts), objects outside the quota's scopes left out. It
 * is written only when it differs from the stored status. Which kinds a quota's resources are
 * about (`pods` and `requests.cpu` are about pods, `count/deployments.apps` about
 * deployments) decides what is listed.
 */
import type { ResourceQuota, ResourceQuotaStatus } from '../../api/policy-quota-v1';
import { matchesScopes } from '../../api/quota-scopes';
import { objectUsage, quotaResourceMatches, type QuotaSubject } from '../../api/quota-usage';
import { addQuantities, maskQuantities, quantitiesOf, sameQuantities, toResourceList, zeroQuantity, type Quantities } from '../../api/resource-lists';

/** The core kinds quota resources name without `count/`. */
const CORE_SUBJECTS: readonly QuotaSubject[] = ['pods', 'services', 'persistentvolumeclaims', 'configmaps', 'secrets', 'resourcequotas']
  .map((resource) => ({ resource, group: '' }));

/** The kinds whose objects the quota's hard resources count. */
export function subjectsOf(quota: ResourceQuota): QuotaSubject[] {
  const names = Object.keys(quota.spec?.hard ?? {});
  const counted = names.filter((n) => n.startsWith('count/')).map(subjectOfCount);
  const all = [...CORE_SUBJECTS, ...counted].filter((s, i, list) => list.findIndex((o) => o.resource === s.resource && o.group === s.group) === i);
  return all.filter((subject) => names.some((name) => quotaResourceMatches(subject, name)));
}

/** `count/deployments.apps` → deployments in apps; `count/pods` → pods. */
function subjectOfCount(name: string): QuotaSubject {
  const resource = name.slice('count/'.length);
  const dot = resource.indexOf('.');
  return dot < 0 ? { resource, group: '' } : { resource: resource.slice(0, dot), group: resource.slice(dot + 1) };
}

/** The status the quota should have; undefined when the stored one already says it. `objectsOf` lists a kind's objects in the quota's namespace. */
export function planQuotaStatus(quota: ResourceQuota, objectsOf: (subject: QuotaSubject) => readonly unknown[]): ResourceQuotaStatus | undefined {
  const hard = quantitiesOf(quota.spec?.hard);
  let used: Quantities = new Map([...hard.keys()].map((name) => [name, zeroQuantity()]));
  for (const subject of subjectsOf(quota)) {
    const isPod = subject.group === '' && subject.resource === 'pods';
    for (const obj of objectsOf(subject)) {
      if (matchesScopes(quota, isPod, obj)) used = addQuantities(used, maskQuantities(objectUsage(subject, obj), hard.keys()));
    }
  }
  const unchanged = sameQuantities(hard, quantitiesOf(quota.status?.hard)) && sameQuantities(used, quantitiesOf(quota.status?.used));
  return unchanged ? undefined : { hard: toResourceList(hard), used: toResourceList(used) };
}

/** Whether the stored status has yet to follow the spec (a new quota, an edited one): the controller's cue besides replenishment. */
export function statusBehindSpec(quota: ResourceQuota): boolean {
  const hard = quantitiesOf(quota.spec?.hard);
  const used = quota.status?.used ?? {};
  return !sameQuantities(hard, quantitiesOf(quota.status?.hard)) || [...hard.keys()].some((name) => !Object.hasOwn(used, name));
}
