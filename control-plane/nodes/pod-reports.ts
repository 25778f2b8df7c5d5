/**
 * What an agent's pod reports do to the store: a PodStatusReport replaces the pod's status
 * (the status subresource: metadata and spec untouched, compare-and-swap with retry), and a
 * PodTerminated deletes a pod that is being deleted (the kubelet's final delete with grace
 * period 0). A node may only act on pods bound to it; a report about a pod that is gone or
 * was recreated under the same name (another uid) is stale and changes nothing, as the
 * kubelet's status manager treats it.
 */
import type { Pod, PodStatus } from '../../api/core-v1';
import { ApiError, isApiError } from '../../api/errors';
import { PODS } from '../registry/kinds';
import type { PodRef, ValidPodStatus } from './agent-message-validation';
import type { NodeWriteContext } from './node-registration';
import { updateThroughRegistry } from './registry-update';

export type ReportOutcome = 'written' | 'unchanged' | 'stale' | 'not-deleting' | 'waiting-for-finalizers';

/** Pod conditions the kubelet owns; others (PodScheduled, DisruptionTarget, readiness gates) are kept. */
const KUBELET_POD_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

async function getPod(ctx: NodeWriteContext, ref: PodRef): Promise<Pod | undefined> {
  return ctx.registry.get<Pod>(PODS, ref.namespace, ref.name).catch((err: unknown) => {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  });
}

function notBound(ref: PodRef, nodeName: string, pod: Pod): ApiError {
  const where = pod.spec.nodeName ? `bound to node "${pod.spec.nodeName}"` : 'not bound to any node';
  // NodeRestriction's refusal: a node speaks only for the pods bound to it.
  return new ApiError('Forbidden', `pod ${ref.namespace}/${ref.name} (uid ${ref.uid}) is ${where}, not to node "${nodeName}"`);
}

/** Throws Forbidden when the pod is this uid but not this node's; false when the report is stale. */
function isCurrentAndMine(pod: Pod | undefined, ref: PodRef, nodeName: string): pod is Pod {
  if (!pod || pod.metadata.uid !== ref.uid) return false;
  if (pod.spec.nodeName !== nodeName) throw notBound(ref, nodeName, pod);
  return true;
}

/** The reported status, keeping the conditions and fields that others than the kubelet own. */
export function mergePodStatus(stored: PodStatus | undefined, reported: PodStatus): PodStatus {
  const reportedTypes = new Set((reported.conditions ?? []).map((c) => c.type));
  const kept = (stored?.conditions ?? []).filter((c) => !reportedTypes.has(c.type) && !KUBELET_POD_CONDITIONS.has(c.type));
  const merged: PodStatus = { ...reported, conditions: [...kept, ...(reported.conditions ?? [])] };
  if (stored?.nominatedNodeName && !merged.nominatedNodeName) merged.nominatedNodeName = stored.nominatedNodeName;
  if (merged.conditions?.length === 0) delete merged.conditions;
  return merged;
}

export async function writePodStatus(ctx: NodeWriteContext, nodeName: string, report: ValidPodStatus): Promise<ReportOutcome> {
  if (!isCurrentAndMine(await getPod(ctx, report), report, nodeName)) return 'stale';
  let stale = false;
  const written = await updateThroughRegistry<Pod>(ctx.registry, PODS, report.namespace, report.name, (pod) => {
    stale = !isCurrentAndMine(pod, report, nodeName);
    return stale ? undefined : { ...pod, status: mergePodStatus(pod.status, report.status) };
  }, { subresource: 'status' });
  return written ? 'written' : stale ? 'stale' : 'unchanged';
}

/**
 * Deletes the pod for good if it is this node's, this uid, and being deleted: the kubelet's
 * DELETE with grace period 0 and a uid precondition. Finalizers still hold it, as for any
 * DELETE; the registry removes it when they are gone.
 */
export async function finishPodDeletion(ctx: NodeWriteContext, nodeName: string, ref: PodRef): Promise<ReportOutcome> {
  const pod = await getPod(ctx, ref);
  if (!isCurrentAndMine(pod, ref, nodeName)) return 'stale';
  if (!pod.metadata.deletionTimestamp) return 'not-deleting';
  try {
    const outcome = await ctx.registry.delete<Pod>(PODS, ref.namespace, ref.name, { gracePeriodSeconds: 0, preconditions: { uid: ref.uid } });
    return outcome.removed ? 'written' : 'waiting-for-finalizers';
  } catch (err: unknown) {
    // Gone meanwhile, or replaced by a pod of another uid (the precondition failed): stale.
    if (isApiError(err, 'NotFound')) return 'stale';
    if (isApiError(err, 'Conflict') && (await getPod(ctx, ref))?.metadata.uid !== ref.uid) return 'stale';
    throw err;
  }
}
