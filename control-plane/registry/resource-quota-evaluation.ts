/**
 * The ResourceQuota admission's decisions, pure (apiserver/pkg/admission/plugin/resourcequota
 * checkRequest): which quotas of the namespace concern an object (a resource of status.hard
 * about its kind, every scope met), the refusals before any counting (`failed quota: q: must
 * specify …`, `status unknown for quota: q, resources: …`), and each quota's new usage with the
 * object — or `exceeded quota: q, requested: …, used: …, limited: …`, naming only the
 * resources that would go over.
 */
import type { Pod } from '../../api/core-v1';
import type { ResourceQuota } from '../../api/policy-quota-v1';
import { matchesScopes } from '../../api/quota-scopes';
import { missingComputeMessage, objectUsage, quotaResourceMatches, type QuotaSubject } from '../../api/quota-usage';
import { addQuantities, exceededNames, maskQuantities, printQuantities, quantitiesOf, type Quantities } from '../../api/resource-lists';

export type QuotaPlan =
  | { refusal: string }
  /** The quotas to charge (by name) and what the object costs; empty when none is concerned. */
  | { quotas: string[]; usage: Quantities };

export function planQuotaCharges(quotas: readonly ResourceQuota[], subject: QuotaSubject, obj: unknown): QuotaPlan {
  const concerned: string[] = [];
  for (const quota of [...quotas].sort(byName)) {
    const restricted = restrictedResources(quota, subject);
    if (restricted.length === 0 || !matchesScopes(quota, isPod(subject), obj)) continue;
    const missing = isPod(subject) ? missingComputeMessage(obj as Pod, restricted) : undefined;
    if (missing) return { refusal: `failed quota: ${name(quota)}: ${missing}` };
    if (!hasUsageStats(quota, restricted)) return { refusal: `status unknown for quota: ${name(quota)}, resources: ${restricted.sort().join(',')}` };
    concerned.push(name(quota));
  }
  const usage = withoutZeros(objectUsage(subject, obj));
  return usage.size === 0 ? { quotas: [], usage } : { quotas: concerned, usage };
}

/** The quota's used amounts with `usage` added, or why it cannot take it. Untouched when the quota counts none of it. */
export function chargeQuota(quota: ResourceQuota, usage: Quantities): { used: Quantities } | { refusal: string } {
  const hard = quantitiesOf(quota.status?.hard);
  const used = quantitiesOf(quota.status?.used);
  const requested = maskQuantities(usage, hard.keys());
  const next = maskQuantities(addQuantities(used, requested), requested.keys());
  const exceeded = exceededNames(next, hard);
  if (exceeded.length > 0) {
    const [r, u, h] = [requested, used, hard].map((list) => printQuantities(maskQuantities(list, exceeded)));
    return { refusal: `exceeded quota: ${name(quota)}, requested: ${r}, used: ${u}, limited: ${h}` };
  }
  return { used: addQuantities(used, requested) };
}

function restrictedResources(quota: ResourceQuota, subject: QuotaSubject): string[] {
  return Object.keys(quota.status?.hard ?? {}).filter((resource) => quotaResourceMatches(subject, resource));
}

/** The controller has counted every restricted resource (status.hard and status.used both name it). */
function hasUsageStats(quota: ResourceQuota, restricted: readonly string[]): boolean {
  const { hard = {}, used = {} } = quota.status ?? {};
  return restricted.every((resource) => Object.hasOwn(hard, resource) && Object.hasOwn(used, resource));
}

function withoutZeros(list: Quantities): Quantities {
  return new Map([...list].filter(([, q]) => !q.isZero()));
}

function isPod(subject: QuotaSubject): boolean {
  return subject.group === '' && subject.resource === 'pods';
}

function name(quota: ResourceQuota): string {
  return quota.metadata.name ?? '';
}

function byName(a: ResourceQuota, b: ResourceQuota): number {
  return name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0;
}
