/**
 * The node's Ready condition as the kubelet writes it (pkg/kubelet/nodestatus ReadyCondition):
 * True with `KubeletReady` when nothing is wrong; otherwise False with `KubeletNotReady` and the
 * errors that keep it not ready aggregated as Go's utilerrors.Aggregate prints them (one error
 * as itself, several as `[a, b]`). The errors come from the runtime check (runtime-readiness.ts)
 * and the pod network (network-readiness.ts). Pure.
 * https://kubernetes.io/docs/reference/node/node-status/#condition
 */
import type { NodeCondition } from '../../api/core-v1';

export const REASON_KUBELET_READY = 'KubeletReady';
export const MESSAGE_KUBELET_READY = 'kubelet is posting ready status';
export const REASON_KUBELET_NOT_READY = 'KubeletNotReady';

/** `errors`: what keeps the node from being ready, undefined entries for the parts that are fine. */
export function nodeReadyCondition(errors: ReadonlyArray<string | undefined>): NodeCondition {
  const present = [...new Set(errors.filter((e): e is string => e !== undefined))];
  if (present.length === 0) return { type: 'Ready', status: 'True', reason: REASON_KUBELET_READY, message: MESSAGE_KUBELET_READY };
  const message = present.length === 1 ? present[0] : `[${present.join(', ')}]`;
  return { type: 'Ready', status: 'False', reason: REASON_KUBELET_NOT_READY, message };
}
