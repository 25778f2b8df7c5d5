/**
 * Where a live control-plane replica serves agents, recorded in etcd under that replica's lease
 * (`<etcd prefix>/control-plane-replicas/<replica>`), as kube-apiserver records its address
 * under `/registry/masterleases/` for the `kubernetes` Endpoints: written once when the replica
 * starts serving (again if its lease was lost), gone with the lease when the replica dies.
 * Agents are told every recorded address in their Welcome (agent/server-list.ts).
 */
import type { KubeObject } from '../../api/meta';

/** Stored as a KubeObject so the store's list+watch Informer can follow the records. */
export interface ReplicaAddressRecord extends KubeObject {
  apiVersion: 'pikube.io/v1';
  kind: 'ControlPlaneReplica';
  spec: {
    replica: string;
    /** `host:port` of the replica's node service (its advertise address and `--node-port`). */
    nodeService: string;
    /** `host:port` of the replica's API server (its advertise address and `--secure-port`): the `kubernetes` Endpoints. */
    apiServer?: string;
  };
}

export function replicaAddressesPrefix(etcdPrefix: string): string {
  return `${etcdPrefix}/control-plane-replicas/`;
}

export function replicaAddressKey(prefix: string, replica: string): string {
  return `${prefix}${encodeURIComponent(replica)}`;
}

export function aReplicaAddressRecord(replica: string, nodeService: string, apiServer?: string): ReplicaAddressRecord {
  return { apiVersion: 'pikube.io/v1', kind: 'ControlPlaneReplica', metadata: { name: replica }, spec: { replica, nodeService, ...(apiServer ? { apiServer } : {}) } };
}

/** The API server's address and port (IPv4 `a.b.c.d:port`), or undefined when the record has none or not such. */
export function readApiServerAddress(object: KubeObject): { address: string; port: number } | undefined {
  const spec = (object as Partial<ReplicaAddressRecord>).spec;
  const m = typeof spec?.apiServer === 'string' ? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(spec.apiServer) : null;
  const port = Number(m?.[2]);
  return m && port >= 1 && port <= 65535 ? { address: m[1], port } : undefined;
}

/** The node-service address, or undefined when what was read is not such a record. */
export function readReplicaAddress(object: KubeObject): string | undefined {
  const spec = (object as Partial<ReplicaAddressRecord>).spec;
  if (typeof spec !== 'object' || spec === null || typeof spec.nodeService !== 'string') return undefined;
  return /^[A-Za-z0-9.:[\]-]{1,260}$/.test(spec.nodeService) ? spec.nodeService : undefined;
}
