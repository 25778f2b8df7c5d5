/**
 * Which replica holds a node's session, as recorded in etcd under that replica's lease
 * (DESIGN.md "Failover"): `<etcd prefix>/node-sessions/<node>/<replica>`. A replica writes its
 * record when a node becomes alive on it, marks it silent when the node stops speaking for the
 * grace period with the session still open, and deletes it when the session closes. A replica
 * that dies loses its lease, and etcd removes its records. Never written per heartbeat.
 *
 * Each replica writes only keys of its own, so a node moving between replicas never has one
 * replica's late delete remove the other's record.
 */
import type { KubeObject } from '../../api/meta';

/** Stored as a KubeObject so the store's list+watch Informer can follow the records. */
export interface NodeSessionRecord extends KubeObject {
  apiVersion: 'pikube.io/v1';
  kind: 'NodeSession';
  spec: {
    nodeName: string;
    /** The holding replica's identity (`ServeConfig.identity`). */
    replica: string;
    /** When the node became alive on that replica (RFC 3339). */
    since: string;
    /**
     * Present when the session is open but the node has been silent for this long (the
     * grace period, as the holder measured it): a duration, not a time, so clocks of
     * different replicas never need to agree.
     */
    silentForMs?: number;
  };
}

/** `<etcd prefix>/node-sessions/`: the prefix every replica watches. */
export function nodeSessionsPrefix(etcdPrefix: string): string {
  return `${etcdPrefix}/node-sessions/`;
}

/** One replica's record of one node; the identity is escaped so it stays one key segment. */
export function nodeSessionKey(prefix: string, nodeName: string, replica: string): string {
  return `${prefix}${nodeName}/${encodeURIComponent(replica)}`;
}

export function aNodeSessionRecord(nodeName: string, replica: string, since: Date, silentForMs?: number): NodeSessionRecord {
  const spec: NodeSessionRecord['spec'] = { nodeName, replica, since: since.toISOString() };
  if (silentForMs !== undefined) spec.silentForMs = silentForMs;
  return { apiVersion: 'pikube.io/v1', kind: 'NodeSession', metadata: { name: `${nodeName}/${replica}` }, spec };
}

/** The record's facts, or undefined when what was read is not a record (written by something else). */
export function readNodeSessionRecord(object: KubeObject): NodeSessionRecord['spec'] | undefined {
  const spec = (object as Partial<NodeSessionRecord>).spec;
  if (typeof spec !== 'object' || spec === null) return undefined;
  if (typeof spec.nodeName !== 'string' || typeof spec.replica !== 'string' || typeof spec.since !== 'string') return undefined;
  const silent = spec.silentForMs;
  if (silent !== undefined && (typeof silent !== 'number' || !Number.isFinite(silent) || silent < 0)) return undefined;
  return spec;
}
