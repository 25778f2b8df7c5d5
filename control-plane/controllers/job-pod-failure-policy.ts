/**
 * A Job's podFailurePolicy applied to one failed pod (pkg/controller/job pod_failure_policy.go,
 * matchPodFailurePolicy, 1.32): the first rule whose onExitCodes matches a terminated
 * container's non-zero exit code (containers first, then init containers), or whose
 * onPodConditions matches one of the pod's conditions, decides. FailJob ends the Job with a
 * message naming the pod; Ignore does not count the failure; Count counts it, as does a pod no
 * rule matches. FailIndex needs backoffLimitPerIndex, which pikube does not implement (the
 * API refuses it), so it never arises here.
 */
import type { PodFailurePolicy, PodFailurePolicyAction, PodFailurePolicyOnExitCodesRequirement } from '../../api/batch-v1';
import type { ContainerStatus, Pod } from '../../api/core-v1';

export interface PolicyMatch {
  /** The Job's failure message, for a FailJob rule. */
  failJobMessage?: string;
  /** Whether the failure counts towards backoffLimit. */
  countFailed: boolean;
  action?: PodFailurePolicyAction;
}

export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PolicyMatch {
  if (!policy) return { countFailed: true };
  for (const [index, rule] of policy.rules.entries()) {
    const matched = rule.onExitCodes ? exitCodeMatch(pod, rule.onExitCodes, rule.action, index) : conditionMatch(pod, rule.onPodConditions ?? [], rule.action, index);
    if (matched === undefined) continue;
    if (rule.action === 'Ignore') return { countFailed: false, action: 'Ignore' };
    if (rule.action === 'FailJob') return { failJobMessage: matched, countFailed: true, action: 'FailJob' };
    return { countFailed: true, action: rule.action };
  }
  return { countFailed: true };
}

/** The FailJob message if a container matches the requirement; undefined when none does. */
function exitCodeMatch(pod: Pod, requirement: PodFailurePolicyOnExitCodesRequirement, action: PodFailurePolicyAction, index: number): string | undefined {
  const status = matchingContainer(pod.status?.containerStatuses ?? [], requirement) ?? matchingContainer(pod.status?.initContainerStatuses ?? [], requirement);
  if (!status) return undefined;
  const code = status.state?.terminated?.exitCode ?? 0;
  return `Container ${status.name} for pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} failed with exit code ${code} matching ${action} rule at index ${index}`;
}

function matchingContainer(statuses: readonly ContainerStatus[], requirement: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  return statuses.find((s) => {
    const code = s.state?.terminated?.exitCode;
    if (code === undefined || code === 0) return false;
    if (requirement.containerName !== undefined && requirement.containerName !== s.name) return false;
    return requirement.operator === 'In' ? requirement.values.includes(code) : !requirement.values.includes(code);
  });
}

function conditionMatch(pod: Pod, patterns: readonly { type: string; status?: string }[], action: PodFailurePolicyAction, index: number): string | undefined {
  for (const condition of pod.status?.conditions ?? []) {
    if (patterns.some((p) => p.type === condition.type && (p.status ?? 'True') === condition.status)) {
      return `Pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} has condition ${condition.type} matching ${action} rule at index ${index}`;
    }
  }
  return undefined;
}
