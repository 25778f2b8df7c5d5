/**
 * Publishes the sessions this replica holds (node-session-record.ts), so the leader knows a
 * node is alive when a follower holds it. It writes on transitions only, never per heartbeat:
 *
 * - a node becomes alive here (session opened, or a silent node speaking again) → its record;
 * - the node has been silent here for the grace period, its session still open → the record
 *   marked silent (one timer per alive node, due when the grace would run out, finds this);
 * - the session closes (or the Node is deleted) → the record is deleted.
 *
 * Writes go one at a time and are level-triggered: each writes what the node's state is when
 * it runs, so a burst of transitions costs one write. A failed write is retried after
 * `retryMs`; a lost lease (etcd took every record with it) rewrites every record.
 */
import { systemClock, type Clock } from '../../base/clock';
import { DisposableStore, toDisposable, type Disposable } from '../../base/disposable';
import { logText } from '../log-text';
import { aNodeSessionRecord, nodeSessionKey } from './node-session-record';
import type { NodeReachability } from './node-reachability';

/** The etcd calls this needs: writes under this replica's own lease. */
export interface LeasedKeys {
  /** Writes `key` under the replica's lease (granted on first use, and again once lost). */
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Called when the lease is lost: every key written under it is gone. */
  onLeaseLost(listener: () => void): Disposable;
}

/** This replica's own view of its sessions (NodeLiveness is one). */
export interface LocalLiveness extends NodeReachability {
  /** A session is open here, whether or not the node spoke lately. */
  isConnected(nodeName: string): boolean;
}

export interface ReplicaSessionsOptions {
  liveness: LocalLiveness;
  keys: LeasedKeys;
  /** `nodeSessionsPrefix(etcdPrefix)`. */
  prefix: string;
  /** This replica's identity. */
  identity: string;
  clock?: Clock;
  /** Delay before a failed write is tried again. Default 1 s. */
  retryMs?: number;
  log?: (message: string) => void;
}

/** What this replica last wrote for a node; `unknown` after a failed write. */
type Published = 'alive' | 'silent' | 'unknown';

export class ReplicaSessions implements Disposable {
  private readonly clock: Clock;
  private readonly published = new Map<string, Published>();
  private readonly aliveSince = new Map<string, number>();
  /** Per alive node: due when its grace would run out. */
  private readonly silenceTimers = new Map<string, Disposable>();
  /** Per node whose last write failed. */
  private readonly retryTimers = new Map<string, Disposable>();
  private readonly pending = new Set<string>();
  private readonly lifetime = new DisposableStore();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ReplicaSessionsOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Follows the local liveness until disposed. */
  start(): void {
    const off = this.opts.liveness.onTransition((name) => this.changed(name));
    this.lifetime.add(toDisposable(off));
    this.lifetime.add(this.opts.keys.onLeaseLost(() => this.leaseLost()));
    this.lifetime.add(toDisposable(() => this.clearTimers()));
  }

  /** Resolves once the writes already queued have ended (tests; shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  dispose(): void {
    this.lifetime.dispose();
  }

  private changed(name: string): void {
    if (this.lifetime.isDisposed) return;
    this.watchSilence(name);
    this.sync(name);
  }

  /** One timer per alive node, due when its grace would run out; a heartbeat moves nothing. */
  private watchSilence(name: string): void {
    this.silenceTimers.get(name)?.dispose();
    this.silenceTimers.delete(name);
    const { liveness } = this.opts;
    if (!liveness.isAlive(name)) return;
    const dueMs = (liveness.lastSeen(name) ?? liveness.now()) + liveness.gracePeriodMs - liveness.now();
    this.silenceTimers.set(name, this.clock.schedule(() => this.changed(name), dueMs));
  }

  /** Queues one write for the node unless one is queued already (it will write the newest state). */
  private sync(name: string): void {
    if (this.pending.has(name)) return;
    this.pending.add(name);
    this.chain = this.chain.then(() => this.write(name));
  }

  private async write(name: string): Promise<void> {
    this.pending.delete(name);
    if (this.lifetime.isDisposed) return;
    const wanted = this.wanted(name);
    if (wanted === this.published.get(name)) return;
    try {
      await this.apply(name, wanted);
      if (wanted) this.published.set(name, wanted);
      else this.published.delete(name);
      this.retryTimers.delete(name);
    } catch (err: unknown) {
      this.failed(name, err);
    }
  }

  /** Logged once per spell of failures (etcd away fails every retry), retried until it works. */
  private failed(name: string, err: unknown): void {
    const first = this.published.get(name) !== 'unknown' || !this.retryTimers.has(name);
    this.published.set(name, 'unknown');
    if (first) this.opts.log?.(`node sessions: recording node "${name}" failed, retrying every ${this.opts.retryMs ?? 1_000} ms: ${logText(err)}`);
    this.retryLater(name);
  }

  private retryLater(name: string): void {
    this.retryTimers.get(name)?.dispose();
    this.retryTimers.set(name, this.clock.schedule(() => this.sync(name), this.opts.retryMs ?? 1_000));
  }

  private wanted(name: string): Exclude<Published, 'unknown'> | undefined {
    const { liveness } = this.opts;
    if (liveness.isAlive(name)) return 'alive';
    if (!liveness.isConnected(name)) return undefined;
    return 'silent';
  }

  private apply(name: string, wanted: Exclude<Published, 'unknown'> | undefined): Promise<void> {
    const key = nodeSessionKey(this.opts.prefix, name, this.opts.identity);
    if (!wanted) {
      this.aliveSince.delete(name);
      return this.opts.keys.delete(key);
    }
    const since = new Date(this.sinceFor(name, wanted));
    const { liveness } = this.opts;
    const silentForMs = wanted === 'silent' ? Math.max(0, liveness.now() - (liveness.lastSeen(name) ?? 0)) : undefined;
    return this.opts.keys.put(key, JSON.stringify(aNodeSessionRecord(name, this.opts.identity, since, silentForMs)));
  }

  /** When the node's current spell of life here began (kept across a lease loss's rewrite). */
  private sinceFor(name: string, wanted: 'alive' | 'silent'): number {
    const since = this.aliveSince.get(name) ?? this.clock.now();
    if (wanted === 'alive') this.aliveSince.set(name, since);
    else this.aliveSince.delete(name);
    return since;
  }

  /** etcd dropped every record with the lease: write again what each node's state is now. */
  private leaseLost(): void {
    this.opts.log?.('node sessions: the replica lease was lost; recording the sessions again');
    for (const name of this.published.keys()) this.published.set(name, 'unknown');
    for (const name of this.published.keys()) this.sync(name);
  }

  private clearTimers(): void {
    for (const timers of [this.silenceTimers, this.retryTimers]) {
      for (const timer of timers.values()) timer.dispose();
      timers.clear();
    }
  }
}
