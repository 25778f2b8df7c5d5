/**
 * Publishes this replica's node-service address under its lease (replica-address-record.ts)
 * and follows every replica's, so each Welcome can name all the control planes an agent may
 * dial. One write when the replica starts serving, one more only after a lost lease (etcd took
 * the record with it); a failed write is tried again every `retryMs` until it lands.
 */
import { systemClock, type Clock } from '../../base/clock';
import { DisposableStore, toDisposable } from '../../base/disposable';
import type { ObjectCache } from './node-view';
import type { LeasedKeys } from './replica-sessions';
import { aReplicaAddressRecord, readApiServerAddress, readReplicaAddress, replicaAddressKey, type ReplicaAddressRecord } from './replica-address-record';

export interface ReplicaAddressesOptions {
  keys: LeasedKeys;
  /** `replicaAddressesPrefix(etcdPrefix)`. */
  prefix: string;
  identity: string;
  /** The records as an informer over `prefix` sees them. */
  records: Pick<ObjectCache<ReplicaAddressRecord>, 'list'>;
  clock?: Pick<Clock, 'sleep'>;
  retryMs?: number;
  log?: (message: string) => void;
}

export class ReplicaAddresses {
  private readonly lifetime = new DisposableStore();
  private readonly stop = new AbortController();
  private own?: string;
  private ownApiServer?: string;
  private writing?: Promise<void>;

  constructor(private readonly opts: ReplicaAddressesOptions) {
    this.lifetime.add(opts.keys.onLeaseLost(() => this.write()));
    this.lifetime.add(toDisposable(() => this.stop.abort()));
  }

  /** Records `nodeService` and `apiServer` (`host:port` each) as this replica's; call once it is listening. */
  publish(nodeService: string, apiServer?: string): void {
    this.own = nodeService;
    this.ownApiServer = apiServer;
    this.write();
  }

  /** Every live replica's API server (this one's included once published), each address and port once. */
  apiServers(): { address: string; port: number }[] {
    const own = this.ownApiServer ? [aReplicaAddressRecord(this.opts.identity, this.own ?? '', this.ownApiServer)] : [];
    const found = [...own, ...this.opts.records.list()].map(readApiServerAddress).filter((a): a is { address: string; port: number } => a !== undefined);
    return [...new Map(found.map((a) => [`${a.address}:${a.port}`, a])).values()].sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
  }

  /** Every live replica's node-service address, this replica's first, without duplicates. */
  servers(): string[] {
    const others = this.opts.records.list().map(readReplicaAddress).filter((a): a is string => a !== undefined);
    return [...new Set([...(this.own ? [this.own] : []), ...others.sort()])];
  }

  /** Stops writing; the record goes with the lease (revoked by the owner of the keys). */
  async dispose(): Promise<void> {
    this.lifetime.dispose();
    await this.writing;
  }

  private write(): void {
    if (this.own === undefined || this.writing || this.stop.signal.aborted) return;
    this.writing = this.writeUntilDone(this.own, this.ownApiServer).finally(() => (this.writing = undefined));
  }

  private async writeUntilDone(address: string, apiServer: string | undefined): Promise<void> {
    const key = replicaAddressKey(this.opts.prefix, this.opts.identity);
    const value = JSON.stringify(aReplicaAddressRecord(this.opts.identity, address, apiServer));
    while (!this.stop.signal.aborted) {
      try {
        return await this.opts.keys.put(key, value);
      } catch (err: unknown) {
        this.opts.log?.(`control-plane address record not written, retrying: ${err instanceof Error ? err.message : String(err)}`);
        await (this.opts.clock ?? systemClock).sleep(this.opts.retryMs ?? 1000, this.stop.signal);
      }
    }
  }
}
