/**
 * Which other replica holds a node's session, and where each other replica serves: read from
 * the records every replica keeps under its own etcd lease (node-session-record.ts,
 * replica-address-record.ts). A record goes with its replica's lease, so a replica that died
 * is still named here for up to the lease's TTL (10 s): a caller must bound its attempt.
 */
import { readNodeSessionRecord, type NodeSessionRecord } from './node-session-record';
import { readReplicaAddress, type ReplicaAddressRecord } from './replica-address-record';

/** Another replica and its node-service address (`host:port`), where its ReplicaService is served. */
export interface ReplicaTarget {
  identity: string;
  address: string;
}

export interface ReplicaRecords {
  sessions(): NodeSessionRecord[];
  addresses(): ReplicaAddressRecord[];
}

/** Every other replica with a recorded address, sorted by identity. */
export function otherReplicas(records: ReplicaRecords, self: string): ReplicaTarget[] {
  return records.addresses().flatMap((r) => {
    const identity = r.spec?.replica;
    const address = readReplicaAddress(r);
    return typeof identity === 'string' && identity !== self && address ? [{ identity, address }] : [];
  }).sort((a, b) => a.identity.localeCompare(b.identity));
}

/**
 * The other replica holding the node's session: the one it speaks on (a record not marked
 * silent) before a silent one, the newest `since` first (a node that moved is newest where it
 * went). Undefined when no other replica records one, or the holder has no address record.
 */
export function holderOf(records: ReplicaRecords, nodeName: string, self: string): ReplicaTarget | undefined {
  const held = records.sessions().map(readNodeSessionRecord)
    .filter((s): s is NonNullable<typeof s> => s !== undefined && s.nodeName === nodeName && s.replica !== self)
    .sort((a, b) => Number(a.silentForMs !== undefined) - Number(b.silentForMs !== undefined) || b.since.localeCompare(a.since));
  const replicas = otherReplicas(records, self);
  for (const s of held) {
    const target = replicas.find((r) => r.identity === s.replica);
    if (target) return target;
  }
  return undefined;
}
