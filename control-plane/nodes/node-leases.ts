/**
 * The kubelet's node Leases (`kube-node-lease/<node>`, holderIdentity the node, 40 s), derived
 * when read from what the replicas' sessions know (node-liveness.ts, gathered from every replica
 * by cluster-node-figures.ts) instead of renewed in etcd every 10 s: renewTime is the last
 * message any replica heard from the agent (heartbeats come every second or less). A node no
 * live replica has heard from has no Lease. No acquireTime, as the kubelet sets none.
 */
import { microTime, type Lease } from '../../api/coordination-v1';
import type { Node } from '../../api/core-v1';
import type { LiveObjects } from '../registry/live-objects';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's default `nodeLeaseDurationSeconds`. */
export const NODE_LEASE_DURATION_SECONDS = 40;

export function nodeLeaseOf(node: Node, renewedAtMs: number): Lease {
  const { name = '', uid = '', creationTimestamp } = node.metadata;
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name, namespace: NODE_LEASE_NAMESPACE, ...(creationTimestamp ? { creationTimestamp } : {}),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(new Date(renewedAtMs)) },
  };
}

/** When each node's agent last spoke: this replica's NodeLiveness, or every replica's (cluster-node-figures.ts). */
export interface RenewalSource {
  lastSeenTimes(): ReadonlyMap<string, number> | Promise<ReadonlyMap<string, number>>;
}

export function nodeLeaseSource(renewals: RenewalSource, nodes: { list(): Node[] }): LiveObjects<Lease> {
  return {
    list: async (namespace) => {
      if (namespace !== undefined && namespace !== NODE_LEASE_NAMESPACE) return [];
      const seenAt = await renewals.lastSeenTimes();
      return nodes.list().flatMap((node) => {
        const seen = seenAt.get(node.metadata.name ?? '');
        return seen === undefined ? [] : [nodeLeaseOf(node, seen)];
      });
    },
  };
}
