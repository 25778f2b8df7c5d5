/**
 * The ResourceQuota admission plugin on create, last in the chain: the object about to be
 * stored (named, defaulted, validated) is checked against its namespace's quotas
 * (resource-quota-evaluation.ts), then charged to each concerned quota's status.used through
 * the guaranteed update of `…/status` — a compare-and-swap that re-checks the fresh usage when
 * another create charged the quota meanwhile, so two creates racing for the last slot cannot
 * both pass (Kubernetes increments usage the same way, before the object is stored). A charge
 * whose object is then not stored is given back by the resource-quota controller's next count.
 * A dry run checks and charges nothing. The quotas are read as admission reads them
 * (admission-reads.ts: the watch cache, etcd while it is behind a quota written here); a
 * cached quota's usage may be a charge or two behind, which the compare-and-swap of the charge
 * corrects, so charges are written as writes admission may read stale.
 */
import { admissionForbidden, isApiError } from '../../api/errors';
import type { ResourceQuota } from '../../api/policy-quota-v1';
import { toResourceList, type Quantities } from '../../api/resource-lists';
import type { KubeObject } from '../../api/meta';
import { chargeQuota, planQuotaCharges } from './resource-quota-evaluation';
import type { Registry } from './registry';
import type { NamespaceReads } from './resource-definition';
import type { ResourceInfo } from './resource-info';

export async function admitToQuotas(registry: Registry, reads: NamespaceReads, info: ResourceInfo, namespace: string, obj: KubeObject, dryRun: boolean): Promise<void> {
  const quotas = await reads.list<ResourceQuota>('resourcequotas');
  if (quotas.length === 0) return;
  const refuse = (reason: string): Error => admissionForbidden(info.resource, obj.metadata.name ?? '', reason, info.group);
  const plan = planQuotaCharges(quotas, { resource: info.resource, group: info.group }, obj);
  if ('refusal' in plan) throw refuse(plan.refusal);
  for (const quota of quotas.filter((q) => plan.quotas.includes(q.metadata.name ?? ''))) {
    const checked = chargeQuota(quota, plan.usage);
    if ('refusal' in checked) throw refuse(checked.refusal);
  }
  if (dryRun) return;
  for (const quotaName of plan.quotas) await charge(registry, namespace, quotaName, plan.usage, refuse);
}

async function charge(registry: Registry, namespace: string, quotaName: string, usage: Quantities, refuse: (reason: string) => Error): Promise<void> {
  try {
    await registry.guaranteedUpdate<ResourceQuota>('resourcequotas', namespace, quotaName, (current) => {
      const outcome = chargeQuota(current, usage);
      if ('refusal' in outcome) throw refuse(outcome.refusal);
      current.status = { ...current.status, used: toResourceList(outcome.used) };
      return current;
    }, { subresource: 'status', admissionMayReadStale: true });
  } catch (err: unknown) {
    // A quota deleted meanwhile no longer limits anything.
    if (!isApiError(err, 'NotFound')) throw err;
  }
}
