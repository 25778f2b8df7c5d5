/**
 * The LimitRanger admission plugin's two phases for pods and claims: mutating (a pod's
 * containers get the namespace's Container defaults, after their requests were defaulted from
 * their limits) and validating (the object about to be stored, named and defaulted, against
 * every LimitRange of its namespace; the first range it breaks refuses it with 403
 * `pods "x" is forbidden: <every broken bound of that range>`). The rules are limit-ranger.ts.
 */
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';
import { admissionForbidden } from '../../api/errors';
import type { LimitRange } from '../../api/policy-quota-v1';
import { aggregateMessage, applyLimitRangeDefaults, claimLimitViolations, defaultPodRequestsFromLimits, podLimitViolations } from './limit-ranger';
import type { AdmissionContext } from './resource-definition';

export async function admitPodLimitDefaults(pod: Pod, ctx: AdmissionContext): Promise<void> {
  const ranges = await limitRangesOf(ctx);
  if (ranges.length === 0) return;
  defaultPodRequestsFromLimits(pod);
  for (const range of ranges) applyLimitRangeDefaults(pod, range);
}

export async function validatePodLimits(pod: Pod, ctx: AdmissionContext): Promise<void> {
  await refuseViolations(ctx, 'pods', pod.metadata.name ?? '', (range) => podLimitViolations(pod, range));
}

export async function validateClaimLimits(claim: PersistentVolumeClaim, ctx: AdmissionContext): Promise<void> {
  await refuseViolations(ctx, 'persistentvolumeclaims', claim.metadata.name ?? '', (range) => claimLimitViolations(claim, range));
}

async function refuseViolations(ctx: AdmissionContext, resource: string, name: string, violations: (range: LimitRange) => string[]): Promise<void> {
  for (const range of await limitRangesOf(ctx)) {
    const errors = violations(range);
    if (errors.length > 0) throw admissionForbidden(resource, name, aggregateMessage(errors));
  }
}

/** The namespace's LimitRanges; none where the registry does not serve them (a test's list of kinds). */
function limitRangesOf(ctx: AdmissionContext): Promise<readonly LimitRange[]> {
  return ctx.reads.list<LimitRange>('limitranges');
}
