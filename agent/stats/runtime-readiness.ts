/**
 * Whether this node is ready as far as its container runtime goes: the runtime's part of the
 * kubelet's Ready condition (pkg/kubelet/nodestatus ReadyCondition; ready-condition.ts adds the
 * network's), False with reason `KubeletNotReady` and "container runtime is down" once Docker
 * has not answered its ping several times in a row, True again at the first answer. Only the agent can see this; the control plane turns a
 * Ready=False it is told into the `node.kubernetes.io/not-ready` taints. Pure: the monitor
 * (runtime-health.ts) feeds it each ping's outcome.
 * https://kubernetes.io/docs/reference/node/node-status/#condition
 */
import type { NodeCondition } from '../../api/core-v1';
import { nodeReadyCondition } from './ready-condition';

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

/** What keeps the node not ready as far as the runtime goes (the kubelet's runtime error); undefined while it is up. */
export function runtimeError(state: RuntimeReadiness): string | undefined {
  return state.ready ? undefined : `container runtime is down: ${state.lastError ?? 'no answer'}`;
}

/** The Ready condition for this readiness alone (times are the control plane's to set). */
export function readyCondition(state: RuntimeReadiness): NodeCondition {
  return nodeReadyCondition([runtimeError(state)]);
}
