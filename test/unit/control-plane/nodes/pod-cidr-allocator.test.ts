import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Node } from '../../../../api/core-v1';
import { formatIpv4Cidr, parseIpv4Cidr, PodCidrAllocator, PodCidrExhaustedError } from '../../../../control-plane/nodes/pod-cidr-allocator';

function aNode(name: string, podCIDR?: string): Pick<Node, 'metadata' | 'spec'> {
  return { metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} };
}

describe('PodCidrAllocator', () => {
  it('hands out /24s from the cluster CIDR in order, one per node', () => {
    const allocator = new PodCidrAllocator({ clusterCidr: '10.42.0.0/16' });
    assert.deepEqual(['a', 'b', 'c'].map((n) => allocator.allocate(n)), ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24']);
  });

  it('gives a node the subnet it already holds', () => {
    const allocator = new PodCidrAllocator({ clusterCidr: '10.42.0.0/16' });
    const first = allocator.allocate('a');
    allocator.allocate('b');
    assert.equal(allocator.allocate('a'), first);
  });

  it('fails with a clear error when every subnet is taken', () => {
    const allocator = new PodCidrAllocator({ clusterCidr: '10.42.0.0/23' });
    allocator.allocate('a');
    allocator.allocate('b');
    assert.throws(() => allocator.allocate('c'), (err: unknown) => err instanceof PodCidrExhaustedError && /no pod CIDR left in cluster CIDR 10\.42\.0\.0\/23 for node "c"/.test(err.message));
  });

  it('recovers the subnets held by stored Nodes and never hands them out again', () => {
    const allocator = new PodCidrAllocator({ clusterCidr: '10.42.0.0/16' });
    const problems = allocator.recover([aNode('a', '10.42.0.0/24'), aNode('b', '10.42.2.0/24'), aNode('new')]);
    assert.deepEqual(problems, []);
    assert.equal(allocator.allocate('b'), '10.42.2.0/24');
    assert.equal(allocator.allocate('c'), '10.42.1.0/24');
    assert.equal(allocator.allocate('d'), '10.42.3.0/24');
  });

  it('reports stored subnets it cannot honour: outside the cluster CIDR, misaligned, or held twice', () => {
    const allocator = new PodCidrAllocator({ clusterCidr: '10.42.0.0/16' });
    const problems = allocator.recover([
      aNode('a', '10.42.0.0/24'), aNode('dup', '10.42.0.0/24'), aNode('out', '10.99.0.0/24'), aNode('odd', '10.42.0.128/25'),
    ]);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /node "dup" has pod CIDR 10\.42\.0\.0\/24, already held by node "a"/);
    assert.equal(allocator.allocate('dup'), '10.42.1.0/24');
  });

  it('frees a subnet only when its node is released', () => {
    const allocator = new PodCidrAllocator({ clusterCidr: '10.42.0.0/23' });
    allocator.allocate('a');
    allocator.allocate('b');
    allocator.release('a');
    assert.equal(allocator.cidrOf('a'), undefined);
    assert.equal(allocator.allocate('c'), '10.42.0.0/24');
  });

  it('supports other node mask sizes and rejects ones that do not fit', () => {
    const allocator = new PodCidrAllocator({ clusterCidr: '10.0.0.0/8', nodeMaskSize: 26 });
    assert.equal(allocator.allocate('a'), '10.0.0.0/26');
    assert.equal(allocator.allocate('b'), '10.0.0.64/26');
    assert.throws(() => new PodCidrAllocator({ clusterCidr: '10.42.0.0/16', nodeMaskSize: 8 }), /does not fit/);
  });

  it('rejects a malformed cluster CIDR', () => {
    for (const bad of ['10.42.0.0', '10.42.0.0/33', '300.1.1.1/8', '10.42.0.1/16', 'x/16']) {
      assert.throws(() => new PodCidrAllocator({ clusterCidr: bad }), /invalid IPv4 CIDR/, bad);
    }
  });

  it('never gives two nodes the same subnet, whatever the order of allocations and releases', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('allocate' as const), node: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('release' as const), node: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const allocator = new PodCidrAllocator({ clusterCidr: '10.42.0.0/20' });
      const held = new Map<string, string>();
      for (const { kind, node } of ops) {
        const name = `n${node}`;
        if (kind === 'release') {
          allocator.release(name);
          held.delete(name);
          continue;
        }
        const cidr = allocator.allocate(name);
        if (held.has(name)) assert.equal(cidr, held.get(name));
        held.set(name, cidr);
      }
      assert.equal(new Set(held.values()).size, held.size);
    }));
  });
});

describe('IPv4 CIDR text', () => {
  it('round-trips through parse and format', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (addr, prefix) => {
      const size = 2 ** (32 - prefix);
      const base = Math.floor(addr / size) * size;
      const text = formatIpv4Cidr({ base, prefix });
      assert.deepEqual(parseIpv4Cidr(text), { base, prefix });
    }));
  });
});
