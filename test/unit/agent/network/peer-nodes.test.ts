import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { FeedBatch } from '../../../../agent/feed/feed-batch';
import { NODES } from '../../../../agent/feed/feed-kinds';
import type { PeerNode } from '../../../../agent/network/node-routes';
import { peerNodesConsumer, peersOf } from '../../../../agent/network/peer-nodes';

function aNode(name: string, podCIDR?: string, ip?: string, rv = '1'): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, resourceVersion: rv },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: [{ type: 'Hostname' as const, address: name }, ...(ip ? [{ type: 'InternalIP' as const, address: ip }] : [])] },
  };
}

const nodes = (full: boolean, objects: Node[], removed: string[] = []): FeedBatch => FeedBatch.empty().with(NODES, { full, objects, removed });

describe('peer nodes', () => {
  it('lists nodes with a pod CIDR and an InternalIP, sorted by name, and no node being deleted', () => {
    const leaving = { ...aNode('pi5', '10.42.5.0/24', '192.168.1.15'), metadata: { name: 'pi5', deletionTimestamp: '2024-01-01T00:00:00Z' } };
    const peers = peersOf([aNode('pi2', '10.42.2.0/24', '192.168.1.12'), aNode('pi3', undefined, '192.168.1.13'), aNode('pi4', '10.42.4.0/24'), aNode('pi1', '10.42.1.0/24', '192.168.1.11'), leaving]);
    assert.deepEqual(peers, [
      { name: 'pi1', podCIDR: '10.42.1.0/24', internalIP: '192.168.1.11' },
      { name: 'pi2', podCIDR: '10.42.2.0/24', internalIP: '192.168.1.12' },
    ]);
  });

  it('hears every full set (an empty one too: routes of nodes gone while the agent was down go), and changes that alter the nodes', () => {
    const heard: PeerNode[][] = [];
    const consumer = peerNodesConsumer((peers) => heard.push(peers));
    consumer.apply(nodes(true, []));
    assert.equal(JSON.stringify(heard), '[[]]');
    consumer.apply(nodes(false, [aNode('pi1', '10.42.1.0/24', '192.168.1.11')]));
    consumer.apply(nodes(false, [aNode('pi1', '10.42.1.0/24', '192.168.1.11')]));
    assert.equal(heard.length, 2, 'the same node again changes nothing');
    consumer.apply(nodes(false, [], ['pi1']));
    assert.deepEqual(heard.map((p) => p.map((n) => n.name)), [[], ['pi1'], []]);
  });

  it('is not called for a batch without nodes', () => {
    const heard: PeerNode[][] = [];
    peerNodesConsumer((peers) => heard.push(peers)).apply(FeedBatch.empty());
    assert.deepEqual(heard, []);
  });
});
