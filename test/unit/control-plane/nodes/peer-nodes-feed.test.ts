import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import { PeerNodesFeed, peerEntries, type PeerNodeCache } from '../../../../control-plane/nodes/peer-nodes-feed';
import type { ChangeHandler } from '../../../../control-plane/store/informer';
import type { PeerNodes } from '../../../../proto/generated/pikube/node/v1/PeerNodes';
import { until } from '../../../../scripts/cluster/wait-until';

function aNode(name: string, podCIDR?: string, ip?: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: [{ type: 'Hostname' as const, address: name }, ...(ip ? [{ type: 'InternalIP' as const, address: ip }] : [])] },
  };
}

class FakeNodes implements PeerNodeCache {
  nodes: Node[] = [];
  private handlers: ChangeHandler<Node>[] = [];

  list(): Node[] {
    return this.nodes;
  }

  onChange(handler: ChangeHandler<Node>) {
    this.handlers.push(handler);
    return { dispose: () => void (this.handlers = this.handlers.filter((h) => h !== handler)) };
  }

  change(nodes: Node[]): void {
    this.nodes = nodes;
    for (const h of this.handlers) h('MODIFIED', nodes[0] ?? aNode('x'), undefined);
  }
}

describe('peer nodes feed', () => {
  it('lists nodes with a pod CIDR and an InternalIP, sorted by name', () => {
    const entries = peerEntries([aNode('pi2', '10.42.2.0/24', '192.168.1.12'), aNode('pi3', undefined, '192.168.1.13'), aNode('pi4', '10.42.4.0/24'), aNode('pi1', '10.42.1.0/24', '192.168.1.11')]);
    assert.deepEqual(entries, [
      { name: 'pi1', pod_cidr: '10.42.1.0/24', internal_ip: '192.168.1.11' },
      { name: 'pi2', pod_cidr: '10.42.2.0/24', internal_ip: '192.168.1.12' },
    ]);
  });

  it('sends the full set at start, coalesces a burst of changes, and skips changes that alter nothing', async () => {
    const nodes = new FakeNodes();
    nodes.nodes = [aNode('pi1', '10.42.1.0/24', '192.168.1.11')];
    const sent: PeerNodes[] = [];
    const feed = new PeerNodesFeed({ nodes, coalesceMs: 5, send: (p) => sent.push(p) });
    feed.start();
    assert.equal(sent.length, 1);
    nodes.change([aNode('pi1', '10.42.1.0/24', '192.168.1.11')]); // a status update: same peers
    nodes.change([aNode('pi1', '10.42.1.0/24', '192.168.1.11'), aNode('pi2', '10.42.2.0/24', '192.168.1.12')]);
    nodes.change([aNode('pi1', '10.42.1.0/24', '192.168.1.11'), aNode('pi2', '10.42.2.0/24', '192.168.1.22')]);
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    assert.deepEqual(sent[1].nodes?.map((n) => n.internal_ip), ['192.168.1.11', '192.168.1.22']);
    nodes.change(nodes.nodes);
    await new Promise((resolve) => setTimeout(resolve, 30)); // several coalescing windows (fake cache, no real part)
    feed.dispose();
    nodes.change([]);
    assert.equal(sent.length, 2, 'nothing after an unchanged set or after dispose');
  });

  it('skips a malformed Node, reporting it once, and still sends every other node (at start and from its timer)', async () => {
    const malformed = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bad', resourceVersion: '7' }, spec: { podCIDR: '10.42.9.0/24' }, status: { addresses: 'x' } } as unknown as Node;
    const nodes = new FakeNodes();
    nodes.nodes = [aNode('pi1', '10.42.1.0/24', '192.168.1.11'), malformed];
    const sent: PeerNodes[] = [];
    const logs: string[] = [];
    const feed = new PeerNodesFeed({ nodes, coalesceMs: 5, send: (p) => sent.push(p), log: (m) => logs.push(m) });
    feed.start();
    assert.deepEqual(sent[0]?.nodes?.map((n) => n.name), ['pi1']);
    nodes.change([aNode('pi1', '10.42.1.0/24', '192.168.1.11'), malformed, aNode('pi2', '10.42.2.0/24', '192.168.1.12')]);
    await until(() => sent.length === 2, { timeoutMs: 1000 });
    feed.dispose();
    assert.deepEqual(sent[1]?.nodes?.map((n) => n.name), ['pi1', 'pi2']);
    assert.equal(logs.length, 1, logs.join('\n'));
    assert.match(logs[0] ?? '', /skipping malformed object bad \(resourceVersion 7\)/);
  });

  it('leaves out nodes whose fields are not strings', () => {
    const numeric = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { podCIDR: 7 }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } } as unknown as Node;
    const skipped: string[] = [];
    assert.deepEqual(peerEntries([numeric, aNode('pi1', '10.42.1.0/24', '192.168.1.11')], (n) => skipped.push(n.metadata.name ?? '')).map((e) => e.name), ['pi1']);
    assert.deepEqual(skipped, ['n']);
  });
});
