/**
 * The eviction subresource's decisions (pkg/registry/core/pod/storage/eviction.go, 1.32),
 * pure: which pods go without asking a budget, which budget guards a pod, whether an unready
 * pod may go without spending the budget, and the budget's check-and-decrement with the
 * errors Kubernetes answers (429 TooManyRequests with a DisruptionBudget cause).
 */
import { budgetCovers, withDisruptionAllowedCondition } from '../../api/disruption-budget';
import type { Pod } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import type { Status } from '../../api/meta';
import { isPodReady } from '../../api/pod-readiness';
import type { PodDisruptionBudget } from '../../api/policy-v1';
import { timestamp } from './object-meta';

/** MaxDisruptedPodSize: evictions granted but not yet seen by the controller, past which a budget refuses more. */
export const MAX_DISRUPTED_POD_SIZE = 2000;
const CAUSE = 'DisruptionBudget';
const WOULD_VIOLATE = "Cannot evict pod as it would violate the pod's disruption budget.";

/** canIgnorePDB: a finished, pending or already deleting pod is deleted without asking any budget. */
export function canIgnoreBudgets(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || Boolean(pod.metadata.deletionTimestamp);
}

/** shouldEnforceResourceVersion: a live pod is deleted only as read, so it cannot turn ready meanwhile unnoticed. */
export function shouldEnforceResourceVersion(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** getPodDisruptionBudgets: the budgets of the pod's namespace whose selector matches it. */
export function budgetsGuarding(pdbs: readonly PodDisruptionBudget[], pod: Pod): PodDisruptionBudget[] {
  return pdbs.filter((pdb) => budgetCovers(pdb, pod));
}

/** The answer for a pod with several budgets: a Failure Status with code 500, as Kubernetes returns it. */
export function multipleBudgetsStatus(): Status {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500,
    message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
  };
}

/**
 * An unready pod may go without spending the budget: always with AlwaysAllow; with
 * IfHealthyBudget (the default) while the budget is met and wants some healthy pods.
 */
export function unhealthyPodMayGo(pod: Pod, pdb: PodDisruptionBudget): boolean {
  if (isPodReady(pod)) return false;
  if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const status = pdb.status;
  return status !== undefined && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0;
}

/** createTooManyRequestsError: the budget's status is not yet the controller's answer to its spec; retry in 10 s. */
export function stillProcessing(pdbName: string): ApiError {
  return new ApiError('TooManyRequests', WOULD_VIOLATE, { retryAfterSeconds: 10 }, [{ reason: CAUSE, message: `The disruption budget ${pdbName} is still being processed by the server.` }]);
}

function forbidden(pdbName: string, detail: string): ApiError {
  return new ApiError('Forbidden', `poddisruptionbudget.policy "${pdbName}" is forbidden: ${detail}`, { kind: 'poddisruptionbudget', group: 'policy', name: pdbName });
}

/**
 * checkAndDecrement: the budget as it is after granting this pod's eviction (one disruption
 * fewer, the pod recorded in disruptedPods unless `dryRun`), or the error that refuses it.
 * `pdb` is a private copy.
 */
export function decrementBudget(pdb: PodDisruptionBudget, podName: string, dryRun: boolean, now: Date): PodDisruptionBudget {
  const name = pdb.metadata.name ?? '';
  const status = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw stillProcessing(name);
  if (status.disruptionsAllowed < 0) throw forbidden(name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw forbidden(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (status.disruptionsAllowed === 0) {
    const message = `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`;
    throw new ApiError('TooManyRequests', WOULD_VIOLATE, {}, [{ reason: CAUSE, message }]);
  }
  let next = { ...status, disruptionsAllowed: status.disruptionsAllowed - 1 };
  if (next.disruptionsAllowed === 0) next = withDisruptionAllowedCondition(next, now);
  if (!dryRun) next.disruptedPods = { ...next.disruptedPods, [podName]: timestamp(now) };
  return { ...pdb, status: next };
}

