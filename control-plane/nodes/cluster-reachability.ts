/**
 * Node reachability across every control-plane replica, for the leader's node lifecycle
 * controller: a node is alive when this replica's own NodeLiveness says so, or when another
 * replica's record (node-session-record.ts, kept under that replica's etcd lease) says it
 * holds a session the node speaks on.
 *
 * Another replica's sessions are known only through its records, which change on transitions:
 * while an alive record exists the node counts as seen now; once the record goes (session
 * closed, or the holder's lease gone with the holder) the node counts as last seen when this
 * replica observed that; a record marked silent says how long the node had been silent then.
 * Records of this replica itself are skipped: its own NodeLiveness is fresher.
 */
import { DisposableStore, toDisposable, type Disposable } from '../../base/disposable';
import type { Clock } from '../../base/clock';
import type { ChangeHandler } from '../store/informer';
import { readNodeSessionRecord, type NodeSessionRecord } from './node-session-record';
import type { NodeReachability, ReachabilityListener } from './node-reachability';

/** The records, as the shared Informer on `nodeSessionsPrefix` serves them. */
export interface NodeSessionRecords {
  list(): NodeSessionRecord[];
  onChange(handler: ChangeHandler<NodeSessionRecord>): Disposable;
}

export interface ClusterReachabilityOptions {
  /** This replica's sessions (its NodeLiveness). */
  local: NodeReachability;
  records: NodeSessionRecords;
  /** This replica's identity: its own records are skipped. */
  identity: string;
  /** Default: the local liveness's clock, so both count silence alike. */
  clock?: Pick<Clock, 'now'>;
}

export class ClusterReachability implements NodeReachability, Disposable {
  readonly gracePeriodMs: number;
  private readonly clock: Pick<Clock, 'now'>;
  /** Nodes with an alive record, and the replicas holding them. */
  private readonly heldBy = new Map<string, Set<string>>();
  /** When each node held elsewhere was last known to speak, once no alive record says it does now. */
  private readonly heardAt = new Map<string, number>();
  private readonly listeners = new Set<ReachabilityListener>();
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly opts: ClusterReachabilityOptions) {
    this.gracePeriodMs = opts.local.gracePeriodMs;
    this.clock = opts.clock ?? opts.local;
  }

  /** Follows the local liveness and the records until disposed. */
  start(): void {
    const offLocal = this.opts.local.onTransition((name) => this.emit(name));
    this.subscriptions.add(toDisposable(offLocal));
    this.subscriptions.add(this.opts.records.onChange((type, record) => this.recordChanged(type === 'DELETED', record)));
    for (const record of this.opts.records.list()) this.recordChanged(false, record);
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.listeners.clear();
  }

  graceFor(): number {
    return this.gracePeriodMs;
  }

  suspectAfterMs(): number {
    return this.gracePeriodMs / 2;
  }

  isAlive(nodeName: string): boolean {
    return this.opts.local.isAlive(nodeName) || this.heldBy.has(nodeName);
  }

  lastSeen(nodeName: string): number | undefined {
    const remote = this.heldBy.has(nodeName) ? this.clock.now() : this.heardAt.get(nodeName);
    const local = this.opts.local.lastSeen(nodeName);
    if (remote === undefined || local === undefined) return remote ?? local;
    return Math.max(remote, local);
  }

  now(): number {
    return this.clock.now();
  }

  resumedAt(): number | undefined {
    return this.opts.local.resumedAt();
  }

  onTransition(listener: ReachabilityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private recordChanged(deleted: boolean, record: NodeSessionRecord): void {
    const spec = readNodeSessionRecord(record);
    if (!spec || spec.replica === this.opts.identity) return;
    const holders = this.heldBy.get(spec.nodeName) ?? new Set<string>();
    const wasHeld = holders.delete(spec.replica);
    if (wasHeld) this.heardAt.set(spec.nodeName, this.clock.now());
    if (!deleted && spec.silentForMs !== undefined) this.heardAt.set(spec.nodeName, this.clock.now() - spec.silentForMs);
    if (!deleted && spec.silentForMs === undefined) holders.add(spec.replica);
    if (holders.size > 0) this.heldBy.set(spec.nodeName, holders);
    else this.heldBy.delete(spec.nodeName);
    this.emit(spec.nodeName);
  }

  private emit(nodeName: string): void {
    for (const listener of this.listeners) listener(nodeName);
  }
}
