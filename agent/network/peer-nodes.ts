/**
 * The other nodes as the pod network needs them (DESIGN.md Networking): every node with a pod
 * CIDR and an InternalIP, from the Node objects of the object feed (which the control plane
 * trims to those fields). A node being deleted is no peer any more.
 */
import type { Node } from '../../api/core-v1';
import type { FeedConsumer } from '../feed/object-dispatcher';
import { NODES } from '../feed/feed-kinds';
import { ObjectSet } from '../feed/object-set';
import type { PeerNode } from './node-routes';

/** The node's first InternalIP address (Kubernetes NodeAddress type InternalIP). */
export function internalIPOf(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** Nodes with a pod CIDR and an InternalIP, sorted by name (this node included: node-routes.ts skips it). */
export function peersOf(nodes: readonly Node[]): PeerNode[] {
  const peers: PeerNode[] = [];
  for (const node of nodes) {
    const [name, podCIDR, internalIP] = [node.metadata.name, node.spec?.podCIDR, internalIPOf(node)];
    if (name && podCIDR && internalIP && !node.metadata.deletionTimestamp) peers.push({ name, podCIDR, internalIP });
  }
  return peers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The feed's consumer of Nodes: `onPeers` hears the full set of peers after each full set of
 * Nodes (routes of nodes that left while the agent was down go too) and whenever it changed.
 */
export function peerNodesConsumer(onPeers: (peers: PeerNode[]) => void): FeedConsumer {
  const nodes = new ObjectSet<Node>();
  return {
    name: 'peer nodes',
    kinds: [NODES],
    apply(batch) {
      const change = batch.of(NODES);
      if (nodes.apply(change) || change?.full) onPeers(peersOf(nodes.list()));
    },
  };
}
