/**
 * The one question the node lifecycle controller asks about a node's agent: is it reachable,
 * and since when has it been silent? Today NodeLiveness (this replica's sessions) answers it;
 * a view shared by the replicas plugs in here without the controller changing.
 */
export interface NodeReachability {
  /** How long a node may stay silent before it is unreachable. */
  readonly gracePeriodMs: number;
  /** Connected and heard from within the grace period. */
  isAlive(nodeName: string): boolean;
  /** When the node was last heard from, if ever. */
  lastSeen(nodeName: string): number | undefined;
  /** Transitions only (connected, disconnected, silent node speaking again); returns the unsubscribe function. */
  onTransition(listener: (nodeName: string) => void): () => void;
}
