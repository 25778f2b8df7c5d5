/**
 * Keys that live as long as this replica: written under one etcd lease of the replica's own,
 * kept alive by the etcd3 client (its keep-alives change no revision, so they cost no write).
 * When the replica dies the lease expires after its TTL and etcd deletes the keys; when the
 * lease is lost while the replica lives (etcd away for longer than the TTL) listeners hear of
 * it, and the next put grants a new lease.
 */
import type { Etcd3, Lease } from 'etcd3';
import { toDisposable, type Disposable } from '../../base/disposable';
import type { LeasedKeys } from '../nodes/replica-sessions';

export interface EtcdLeasedKeysOptions {
  /** The lease's TTL: how long the keys outlive a replica that vanished. */
  ttlSeconds: number;
  /** How long `dispose` waits for the lease to be revoked. Default 2 s. */
  revokeTimeoutMs?: number;
}

export class EtcdLeasedKeys implements LeasedKeys {
  private lease?: Lease;
  private readonly listeners = new Set<() => void>();
  private disposed = false;

  /** `client` should be one of its own: keep-alives must not queue behind lists and watches. */
  constructor(private readonly client: Etcd3, private readonly opts: EtcdLeasedKeysOptions) {}

  async put(key: string, value: string): Promise<void> {
    if (this.disposed) throw new Error('leased keys: disposed');
    await this.current().put(key).value(value);
  }

  async delete(key: string): Promise<void> {
    if (this.disposed) throw new Error('leased keys: disposed');
    await this.client.delete().key(key);
  }

  onLeaseLost(listener: () => void): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /** Revokes the lease, so this replica's keys vanish now rather than after the TTL. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const lease = this.lease;
    this.lease = undefined;
    await lease?.revoke({ deadline: Date.now() + (this.opts.revokeTimeoutMs ?? 2_000) }).catch(() => lease.release());
  }

  private current(): Lease {
    if (this.lease) return this.lease;
    const lease = this.client.lease(this.opts.ttlSeconds);
    let granted = false;
    lease.grant().then(() => void (granted = true), () => undefined);
    lease.on('lost', () => this.lost(lease, granted));
    this.lease = lease;
    return lease;
  }

  /**
   * etcd3 emits `lost` once, for a lease it has given up: expired or revoked, or never
   * granted (etcd away). Only a granted lease held keys, so only its loss is news: telling
   * listeners of a failed grant would have them write again at once, in a loop while etcd is away.
   */
  private lost(lease: Lease, granted: boolean): void {
    if (lease !== this.lease) return;
    this.lease = undefined;
    if (!granted) return;
    for (const listener of this.listeners) listener();
  }
}
