/**
 * What the node lifecycle controller needs to know about a node's liveness, whoever holds its
 * session: this replica's NodeLiveness on its own, or ClusterReachability, which adds the
 * sessions other replicas hold (recorded in etcd, node-session-record.ts).
 */
import type { Clock } from '../../base/clock';

/** The clock liveness is read against: a StallClock in the control plane, any clock in tests. */
export interface LivenessClock extends Pick<Clock, 'now'> {
  /** When the last stall long enough to cost sessions ended, if the clock detects stalls. */
  readonly lastLongStallEnd?: number;
}

export type ReachabilityListener = (nodeName: string) => void;

export interface NodeReachability {
  /** How long a node may stay silent (or disconnected) before it is unreachable. */
  readonly gracePeriodMs: number;
  /** A session to the node is open (here or on a live replica) and the node spoke within the grace period. */
  isAlive(nodeName: string): boolean;
  /** The silence after which the node is unreachable now (the grace period, or less once its host was found gone: host-checked-reachability.ts). */
  graceFor(nodeName: string): number;
  /** The silence after which the node counts as not ready when the cluster's disruption is judged: half the shortest wait that can apply to it. */
  suspectAfterMs(nodeName: string): number;
  /** When the node last gave a sign of life, as far as this replica can tell, in `now()` time; undefined if never. */
  lastSeen(nodeName: string): number | undefined;
  /**
   * The time silence is counted in: it stands still while this replica was stalled (base/stall-clock.ts),
   * so a gap of its own never counts against a node.
   */
  now(): number;
  /** When (in `now()` time) this replica last came back from a stall long enough for agents to have lost their sessions. */
  resumedAt(): number | undefined;
  /** Called on transitions only (never per heartbeat); returns the unsubscribe function. */
  onTransition(listener: ReachabilityListener): () => void;
}
