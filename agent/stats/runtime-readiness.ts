/**
 * Whether this node is ready as far as its container runtime goes: the kubelet's own Ready
 * condition (pkg/kubelet/nodestatus ReadyCondition), False with reason `KubeletNotReady` and
 * "container runtime is down" once Docker has not answered its ping several times in a row,
 * True again at the first answer. Only the agent can see this; the control plane turns a
 * Ready=False it is told into the `node.kubernetes.io/not-ready` taints. Pure: the monitor
 * (runtime-health.ts) feeds it each ping's outcome.
 * https://kubernetes.io/docs/reference/node/node-status/#condition
 */
import type { NodeCondition } from '../../api/core-v1';

export const REASON_KUBELET_READY = 'KubeletReady';
export const MESSAGE_KUBELET_READY = 'kubelet is posting ready status';
export const REASON_KUBELET_NOT_READY = 'KubeletNotReady';
/** Failed pings in a row before the node says it is not ready: one slow answer on a loaded SD card is not an outage. */
export const DEFAULT_FAILURES_BEFORE_NOT_READY = 3;

export interface RuntimeReadiness {
  ready: boolean;
  consecutiveFailures: number;
  /** The last ping's error, while failing. */
  lastError?: string;
}

export const INITIALLY_READY: RuntimeReadiness = { ready: true, consecutiveFailures: 0 };

/** The readiness after one ping: `error` undefined when Docker answered. */
export function afterPing(state: RuntimeReadiness, error: string | undefined, failuresBeforeNotReady = DEFAULT_FAILURES_BEFORE_NOT_READY): RuntimeReadiness {
  if (error === undefined) return INITIALLY_READY;
  const consecutiveFailures = state.consecutiveFailures + 1;
  return { ready: state.ready && consecutiveFailures < failuresBeforeNotReady, consecutiveFailures, lastError: error };
}

/** The Ready condition the agent posts for this readiness (times are the control plane's to set). */
export function readyCondition(state: RuntimeReadiness): NodeCondition {
  if (state.ready) return { type: 'Ready', status: 'True', reason: REASON_KUBELET_READY, message: MESSAGE_KUBELET_READY };
  return { type: 'Ready', status: 'False', reason: REASON_KUBELET_NOT_READY, message: `container runtime is down: ${state.lastError ?? 'no answer'}` };
}
