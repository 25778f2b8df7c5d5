/** A NodeReachability in which some nodes always speak (a healthy rest of the cluster), the others as `inner` says. */
import type { NodeLiveness } from '../../control-plane/nodes/node-liveness';
import type { NodeReachability } from '../../control-plane/nodes/node-reachability';

export function withLiveNodes(inner: NodeLiveness, live: readonly string[]): NodeReachability {
  return {
    gracePeriodMs: inner.gracePeriodMs,
    isAlive: (name) => live.includes(name) || inner.isAlive(name),
    graceFor: () => inner.gracePeriodMs,
    suspectAfterMs: () => inner.gracePeriodMs / 2,
    lastSeen: (name) => (live.includes(name) ? inner.now() : inner.lastSeen(name)),
    now: () => inner.now(),
    resumedAt: () => inner.resumedAt(),
    onTransition: (listener) => inner.onTransition(listener),
  };
}
