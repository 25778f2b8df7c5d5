/**
 * How long a node has been silent, as a leader may count it (the node lifecycle and
 * taint-eviction controllers count alike). Time is the reachability's own (`liveness.now()`),
 * which stands still while this replica was stalled. Silence never starts before:
 *
 * - when this leader first looked at the node (Kubernetes' node lifecycle controller sets a
 *   node's probe timestamp when it first sees it), plus the agents' longest reconnect delay
 *   (proto/session-timing.ts) for a node not heard from since this leader began or since this
 *   replica came back from a long stall: agents are still waiting out their backoff then, and
 *   the control plane's own absence must not make their nodes NotReady;
 * - a fresh start given to every node (`restartAll`), as Kubernetes resets every node's probe
 *   timestamp when it leaves the master disruption mode.
 */
import { AGENT_MAX_RECONNECT_DELAY_MS } from '../../proto/session-timing';
import type { NodeReachability } from '../nodes/node-reachability';

export class NodeSilence {
  private readonly leadingSince: number;
  private readonly observedSince = new Map<string, number>();
  private freshSince = -Infinity;

  constructor(private readonly liveness: NodeReachability) {
    this.leadingSince = liveness.now();
  }

  silentForMs(name: string): number {
    const now = this.liveness.now();
    if (!this.observedSince.has(name)) this.observedSince.set(name, now);
    const since = Math.max(this.observedSince.get(name) ?? now, this.freshSince);
    const began = Math.max(this.leadingSince, this.liveness.resumedAt() ?? -Infinity);
    const lastSeen = this.liveness.lastSeen(name);
    // Not heard from since this leader began or resumed (a session that ended while etcd or the
    // control plane was away counts as not heard from): the agents' reconnect delay is allowed too.
    if (lastSeen === undefined || lastSeen < began) return Math.max(0, now - (Math.max(since, began) + AGENT_MAX_RECONNECT_DELAY_MS));
    return Math.max(0, now - Math.max(lastSeen, since));
  }

  /** Every node's silence counts from now on. */
  restartAll(): void {
    this.freshSince = this.liveness.now();
  }

  /** The node's object is gone. */
  forget(name: string): void {
    this.observedSince.delete(name);
  }
}
