/**
 * The kubelet's node Leases (`kube-node-lease/<node>`, holderIdentity the node, 40 s), derived
 * when read from what this replica's sessions know (node-liveness.ts) instead of renewed in etcd
 * every 10 s: renewTime is the last message heard from the agent (heartbeats come every second
 * or less). A node this replica has never heard from (its agent holds its session with another
 * replica, or never connected) has no Lease here. No acquireTime, as the kubelet sets none.
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

export function nodeLeaseSource(liveness: { lastSeen(nodeName: string): number | undefined }, nodes: { list(): Node[] }): LiveObjects<Lease> {
  return {
    list: async (namespace) => {
      if (namespace !== undefined && namespace !== NODE_LEASE_NAMESPACE) return [];
      return nodes.list().flatMap((node) => {
        const seen = liveness.lastSeen(node.metadata.name ?? '');
        return seen === undefined ? [] : [nodeLeaseOf(node, seen)];
      });
    },
  };
}
