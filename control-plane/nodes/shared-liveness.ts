/**
 * Node liveness shared by every control-plane replica (DESIGN.md "Failover"), assembled: this
 * replica publishes the sessions it holds under a lease of its own (ReplicaSessions on
 * EtcdLeasedKeys, with an etcd client of its own so keep-alives never queue behind lists), and
 * follows every replica's records (an Informer) into the ClusterReachability the leader's node
 * lifecycle controller reads. Under the same lease it records where this replica serves agents
 * (ReplicaAddresses), and follows every replica's address for the agents' Welcome.
 */
import type { Etcd3 } from 'etcd3';
import type { Disposable } from '../../base/disposable';
import { createEtcdClient, type EtcdStoreOptions } from '../store/etcd-store';
import { EtcdLeasedKeys } from '../store/etcd-leased-keys';
import { Informer, type InformerOptions } from '../store/informer';
import type { Store } from '../store/store';
import { ClusterReachability } from './cluster-reachability';
import type { NodeLiveness } from './node-liveness';
import type { NodeReachability } from './node-reachability';
import { nodeSessionsPrefix, type NodeSessionRecord } from './node-session-record';
import { ReplicaSessions } from './replica-sessions';
import { ReplicaAddresses } from './replica-addresses';
import { replicaAddressesPrefix, type ReplicaAddressRecord } from './replica-address-record';
import { holderOf, otherReplicas, type ReplicaRecords, type ReplicaTarget } from './replica-directory';

export interface SharedLivenessOptions {
  /** This replica's sessions. */
  liveness: NodeLiveness;
  /** Where the records are read from (the replica's store). */
  store: Store;
  /** The etcd the records are written to, through a client of their own. */
  etcd: Pick<EtcdStoreOptions, 'endpoints' | 'tls'>;
  etcdPrefix: string;
  identity: string;
  /** The replica lease's TTL: how long a vanished replica's sessions still count. */
  ttlSeconds: number;
  informer?: InformerOptions;
  log: (message: string) => void;
}

export class SharedLiveness {
  private readonly client: Etcd3;
  private readonly keys: EtcdLeasedKeys;
  private readonly sessions: ReplicaSessions;
  private readonly records: Informer<NodeSessionRecord>;
  private readonly cluster: ClusterReachability;
  private readonly addressRecords: Informer<ReplicaAddressRecord>;
  private readonly addresses: ReplicaAddresses;
  private readonly directory: ReplicaRecords;
  private readonly identity: string;

  /** Starts publishing and following at once: before the node service accepts a session. */
  constructor(opts: SharedLivenessOptions) {
    const prefix = nodeSessionsPrefix(opts.etcdPrefix);
    this.client = createEtcdClient({ endpoints: opts.etcd.endpoints, tls: opts.etcd.tls, requestTimeoutMs: 5_000 });
    this.keys = new EtcdLeasedKeys(this.client, { ttlSeconds: opts.ttlSeconds });
    this.sessions = new ReplicaSessions({ liveness: opts.liveness, keys: this.keys, prefix, identity: opts.identity, log: opts.log });
    this.records = new Informer<NodeSessionRecord>(opts.store, prefix, { ...opts.informer, log: opts.log });
    this.cluster = new ClusterReachability({ local: opts.liveness, records: this.records, identity: opts.identity });
    const addressPrefix = replicaAddressesPrefix(opts.etcdPrefix);
    this.addressRecords = new Informer<ReplicaAddressRecord>(opts.store, addressPrefix, { ...opts.informer, log: opts.log });
    this.addresses = new ReplicaAddresses({ keys: this.keys, prefix: addressPrefix, identity: opts.identity, records: this.addressRecords, log: opts.log });
    this.identity = opts.identity;
    this.directory = { sessions: () => this.records.list(), addresses: () => this.addressRecords.list() };
    this.addressRecords.start();
    this.sessions.start();
    this.records.start();
    this.cluster.start();
  }

  /** For the leader's node lifecycle controller. */
  get reachability(): NodeReachability {
    return this.cluster;
  }

  /** Records where this replica serves agents and its API (`host:port` each); call once it listens. */
  publishAddresses(nodeService: string, apiServer: string): void {
    this.addresses.publish(nodeService, apiServer);
  }

  /** Every live replica's API server: the `kubernetes` Endpoints (kubernetes-endpoints.ts). */
  apiServers(): { address: string; port: number }[] {
    return this.addresses.apiServers();
  }

  /** Resolves once every replica's record has been read (before that, only this one's is known). */
  replicasSynced(signal: AbortSignal): Promise<void> {
    return this.addressRecords.whenSynced(signal);
  }

  /** Called when a replica's record comes or goes (a dead replica's goes with its lease). */
  onReplicasChanged(handler: () => void): Disposable {
    return this.addressRecords.onChange(() => handler());
  }

  /** Every live replica's node-service address, this one's first. */
  servers(): string[] {
    return this.addresses.servers();
  }

  /** The other replica holding the node's session, from the records (replica-directory.ts). */
  holderOf(nodeName: string): ReplicaTarget | undefined {
    return holderOf(this.directory, nodeName, this.identity);
  }

  /** Every other live replica and where its ReplicaService is served. */
  otherReplicas(): ReplicaTarget[] {
    return otherReplicas(this.directory, this.identity);
  }

  /** Stops publishing and revokes the lease: this replica's records vanish now. */
  async dispose(): Promise<void> {
    await this.addresses.dispose();
    this.addressRecords.dispose();
    this.sessions.dispose();
    this.cluster.dispose();
    this.records.dispose();
    await this.keys.dispose();
    this.client.close();
  }
}
