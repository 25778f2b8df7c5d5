/**
 * Node liveness lives in the sessions, not in etcd (DESIGN.md "Pi realities"): every message
 * an agent sends refreshes its node's last-seen time here, in memory. Nothing is written
 * while a node stays healthy; listeners hear only transitions (session opened or closed, or a
 * silent node speaking again), and the node lifecycle controller turns a node that has been
 * silent for the grace period into Ready=Unknown.
 *
 * Each control-plane replica tracks the sessions it holds; ReplicaSessions records its
 * transitions in etcd, and the leader's lifecycle controller reads ClusterReachability, which
 * combines this tracker with the other replicas' records (shared-liveness.ts).
 */
import type { LivenessClock, NodeReachability } from './node-reachability';

export interface NodeLivenessOptions {
  /** How long a node may stay silent (or disconnected) before it is unreachable. Default 5 s. */
  gracePeriodMs?: number;
  /** A StallClock in the control plane, so that its own stalls are not counted as the nodes' silence. */
  clock?: LivenessClock;
}

/** Identifies one session, so a replaced session's late close does not mark its node gone. */
export type SessionToken = number;

interface NodeRecord {
  token?: SessionToken;
  lastSeenMs: number;
}

export type LivenessListener = (nodeName: string) => void;

/**
 * 5 s (kube-controller-manager: 40 s) while the node's host still answers on the LAN: a Pi on
 * Wi-Fi, or an agent starved of CPU, goes silent for a second or two often enough that a shorter
 * wait would replace healthy pods. A host that answers nothing is unreachable after
 * DEFAULT_NODE_HOST_PROBE_AFTER_MS instead (host-checked-reachability.ts).
 */
export const DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS = 5000;

/** The silence after which the leader asks the node's host (`--node-host-probe-after`); agents heartbeat three times within it. */
export const DEFAULT_NODE_HOST_PROBE_AFTER_MS = 1200;

export class NodeLiveness implements NodeReachability {
  readonly gracePeriodMs: number;
  private readonly clock: LivenessClock;
  private readonly records = new Map<string, NodeRecord>();
  private readonly listeners = new Set<LivenessListener>();
  private nextToken = 1;

  constructor(opts: NodeLivenessOptions = {}) {
    this.gracePeriodMs = opts.gracePeriodMs ?? DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS;
    this.clock = opts.clock ?? Date;
  }

  /** A session for `nodeName` was accepted; it supersedes any earlier one. */
  sessionOpened(nodeName: string): SessionToken {
    const token = this.nextToken++;
    this.records.set(nodeName, { token, lastSeenMs: this.clock.now() });
    this.emit(nodeName);
    return token;
  }

  /** The session sent something (a heartbeat or any other message). */
  seen(nodeName: string, token: SessionToken): void {
    const record = this.records.get(nodeName);
    if (!record || record.token !== token) return;
    const wasAlive = this.isAlive(nodeName);
    record.lastSeenMs = this.clock.now();
    if (!wasAlive) this.emit(nodeName);
  }

  /** The session ended; ignored if a newer session has replaced it. The last-seen time stays. */
  sessionClosed(nodeName: string, token: SessionToken): void {
    const record = this.records.get(nodeName);
    if (!record || record.token !== token) return;
    record.token = undefined;
    this.emit(nodeName);
  }

  graceFor(): number {
    return this.gracePeriodMs;
  }

  suspectAfterMs(): number {
    return this.gracePeriodMs / 2;
  }

  isConnected(nodeName: string): boolean {
    return this.records.get(nodeName)?.token !== undefined;
  }

  /** When the node was last heard from by this replica, if ever. */
  lastSeen(nodeName: string): number | undefined {
    return this.records.get(nodeName)?.lastSeenMs;
  }

  /** Every node this replica has heard from, and when it last did. */
  lastSeenTimes(): Map<string, number> {
    return new Map([...this.records].map(([name, record]) => [name, record.lastSeenMs]));
  }

  /** Connected and heard from within the grace period. */
  isAlive(nodeName: string): boolean {
    const record = this.records.get(nodeName);
    return record?.token !== undefined && this.clock.now() - record.lastSeenMs < this.gracePeriodMs;
  }

  now(): number {
    return this.clock.now();
  }

  resumedAt(): number | undefined {
    return this.clock.lastLongStallEnd;
  }

  /** Forgets a node whose object was deleted; listeners hear it (it is no longer alive here). */
  forget(nodeName: string): void {
    if (this.records.delete(nodeName)) this.emit(nodeName);
  }

  /** Transitions only; returns the unsubscribe function. */
  onTransition(listener: LivenessListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(nodeName: string): void {
    for (const listener of this.listeners) listener(nodeName);
  }
}
