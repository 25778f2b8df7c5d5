/**
 * What the node lifecycle controller needs to know about a node's liveness, whoever holds its
 * session: this replica's NodeLiveness on its own, or ClusterReachability, which adds the
 * sessions other replicas hold (recorded in etcd, node-session-record.ts).
 */

export type ReachabilityListener = (nodeName: string) => void;

export interface NodeReachability {
  /** How long a node may stay silent (or disconnected) before it is unreachable. */
  readonly gracePeriodMs: number;
  /** A session to the node is open (here or on a live replica) and the node spoke within the grace period. */
  isAlive(nodeName: string): boolean;
  /** When the node last gave a sign of life, as far as this replica can tell; undefined if never. */
  lastSeen(nodeName: string): number | undefined;
  /** Called on transitions only (never per heartbeat); returns the unsubscribe function. */
  onTransition(listener: ReachabilityListener): () => void;
}
