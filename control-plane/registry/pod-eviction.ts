/**
 * `POST …/pods/{name}/eviction` (EvictionREST.Create, 1.32): a deletion that asks the pod's
 * PodDisruptionBudget first. A finished, pending or deleting pod, and a pod no budget guards,
 * is deleted at once; a pod guarded by one budget is deleted only after the budget's status
 * has been decremented by a compare-and-swap on its resourceVersion (the pod then listed in
 * disruptedPods, so the controller does not count it healthy meanwhile); a budget with no
 * disruption left answers 429. Before the deletion the pod gets the DisruptionTarget
 * condition. The Eviction's DeleteOptions (grace period, preconditions, dry run) apply to
 * the deletion. Nothing of the Eviction is stored.
 */
import type { Pod } from '../../api/core-v1';
import { ApiError, badRequest, invalid, isApiError } from '../../api/errors';
import type { KubeList, Status } from '../../api/meta';
import { EVICTION_BY_EVICTION_API, withDisruptionTarget } from '../../api/pod-disruption-condition';
import type { DeleteOptions as EvictionDeleteOptions, Eviction, PodDisruptionBudget } from '../../api/policy-v1';
import { notSupported } from '../../api/validation/field-errors';
import { validateDeleteOptions } from './deletion';
import {
  budgetsGuarding, canIgnoreBudgets, decrementBudget, multipleBudgetsStatus, shouldEnforceResourceVersion, stillProcessing, unhealthyPodMayGo,
} from './eviction-rules';
import type { GuaranteedUpdateOptions, ListOptions } from './registry';
import type { DeleteOptions } from './strategy';

const PDBS = 'poddisruptionbudgets.policy';
/** EvictionsRetry: conflicts tolerated before giving up. */
const ATTEMPTS = 20;

/** The registry calls an eviction makes (the Registry satisfies it). */
export interface EvictionApi {
  get<T extends Pod | PodDisruptionBudget>(resource: string, namespace: string, name: string): Promise<T>;
  list<T extends PodDisruptionBudget>(resource: string, options: ListOptions): Promise<KubeList<T>>;
  guaranteedUpdate<T extends Pod | PodDisruptionBudget>(
    resource: string, namespace: string, name: string, mutate: (current: T) => T | undefined, options: GuaranteedUpdateOptions,
  ): Promise<{ object: T }>;
  delete(resource: string, namespace: string, name: string, options: DeleteOptions): Promise<unknown>;
}

export interface EvictionRequest {
  namespace: string;
  /** The pod's name from the URL. */
  name: string;
  eviction: Eviction;
  /** The request's own `?dryRun=All`. */
  dryRun: boolean;
  now: () => Date;
}

const SUCCESS: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

export async function evictPod(api: EvictionApi, request: EvictionRequest): Promise<Status> {
  if (request.eviction.metadata.name !== request.name) throw badRequest('name in URL does not match name in Eviction object');
  const options = deleteOptionsOf(request.eviction.deleteOptions, request.dryRun);
  const pod = await podNeedingBudget(api, request, options);
  if (!pod) return SUCCESS;
  const budgets = budgetsGuarding((await api.list<PodDisruptionBudget>(PDBS, { namespace: request.namespace })).items, pod);
  if (budgets.length > 1) return multipleBudgetsStatus();
  const pdb = budgets[0];
  if (pdb && unhealthyPodMayGo(pod, pdb)) return deleteUnhealthy(api, request, options, pod, pdb.metadata.name ?? '');
  if (pdb) await spendBudget(api, request, pdb, options.dryRun === true);
  await markAndDelete(api, request, options);
  return SUCCESS;
}

/**
 * The pod, when a budget must be asked; undefined once a pod that needs none (finished,
 * pending, deleting) is deleted, as read (its resourceVersion a precondition unless finished or
 * deleting), retried on a conflict unless the caller gave a resourceVersion precondition.
 */
async function podNeedingBudget(api: EvictionApi, request: EvictionRequest, options: DeleteOptions): Promise<Pod | undefined> {
  const attempts = options.preconditions?.resourceVersion ? 1 : ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    const pod = await api.get<Pod>('pods', request.namespace, request.name);
    if (!canIgnoreBudgets(pod)) return pod;
    const enforced = shouldEnforceResourceVersion(pod) && !options.preconditions?.resourceVersion ? withResourceVersion(options, pod) : options;
    try {
      await markAndDelete(api, request, enforced);
      return undefined;
    } catch (err: unknown) {
      if (!isApiError(err, 'Conflict') || attempt >= attempts) throw err;
    }
  }
}

/** An unready pod that costs the budget nothing goes only as read; had it changed meanwhile, the client is told to retry. */
async function deleteUnhealthy(api: EvictionApi, request: EvictionRequest, options: DeleteOptions, pod: Pod, pdbName: string): Promise<Status> {
  try {
    await markAndDelete(api, request, withResourceVersion(options, pod));
    return SUCCESS;
  } catch (err: unknown) {
    if (isApiError(err, 'Conflict') && !options.preconditions?.resourceVersion) throw stillProcessing(pdbName);
    throw err;
  }
}

/** checkAndDecrement through a compare-and-swap of the budget's status (re-read and checked again on a lost race); a dry run only checks. */
async function spendBudget(api: EvictionApi, request: EvictionRequest, pdb: PodDisruptionBudget, dryRun: boolean): Promise<void> {
  const { namespace, name, now } = request;
  if (dryRun) {
    decrementBudget(structuredClone(pdb), name, true, now());
    return;
  }
  await api.guaranteedUpdate<PodDisruptionBudget>(PDBS, namespace, pdb.metadata.name ?? '', (current) => decrementBudget(current, name, false, now()), { subresource: 'status' });
}

/** addConditionAndDeletePod: DisruptionTarget on the latest pod (its preconditions checked), then the deletion. */
async function markAndDelete(api: EvictionApi, request: EvictionRequest, options: DeleteOptions): Promise<void> {
  const { namespace, name, now } = request;
  let deleteOptions = options;
  if (!options.dryRun) {
    const updated = await api.guaranteedUpdate<Pod>('pods', namespace, name, (latest) => {
      checkLatest(latest, options);
      return { ...latest, status: withDisruptionTarget(latest.status, EVICTION_BY_EVICTION_API, now()) ?? latest.status };
    }, { subresource: 'status' });
    if (options.preconditions?.resourceVersion) deleteOptions = withResourceVersion(options, updated.object);
  }
  await api.delete('pods', namespace, name, deleteOptions);
}

function checkLatest(pod: Pod, options: DeleteOptions): void {
  const { uid, resourceVersion } = options.preconditions ?? {};
  const podName = pod.metadata.name ?? '';
  if (uid && uid !== pod.metadata.uid) {
    throw podConflict(podName, `the UID in the precondition (${uid}) does not match the UID in record (${pod.metadata.uid ?? ''}). The object might have been deleted and then recreated`);
  }
  if (resourceVersion && resourceVersion !== pod.metadata.resourceVersion) {
    throw podConflict(podName, `the ResourceVersion in the precondition (${resourceVersion}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion ?? ''}). The object might have been modified`);
  }
}

function podConflict(name: string, detail: string): ApiError {
  return new ApiError('Conflict', `Operation cannot be fulfilled on Pod "${name}": ${detail}`, { kind: 'Pod', name });
}

function withResourceVersion(options: DeleteOptions, pod: Pod): DeleteOptions {
  return { ...options, preconditions: { ...options.preconditions, resourceVersion: pod.metadata.resourceVersion } };
}

/** propagateDryRun and the DeleteOptions checks: the request's dry run and the body's must agree when both are given. */
function deleteOptionsOf(body: EvictionDeleteOptions | undefined, requestDryRun: boolean): DeleteOptions {
  const dryRunValues = body?.dryRun ?? [];
  for (const v of dryRunValues) if (v !== 'All') throw invalid('DeleteOptions.meta.k8s.io', '', [notSupported('dryRun', v, ['All'])]);
  const { gracePeriodSeconds, preconditions, orphanDependents, propagationPolicy } = body ?? {};
  const options: DeleteOptions = { gracePeriodSeconds, preconditions, orphanDependents, propagationPolicy, dryRun: requestDryRun || dryRunValues.length > 0 };
  validateDeleteOptions(options);
  return options;
}
