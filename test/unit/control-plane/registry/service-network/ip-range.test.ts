import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pickFree } from '../../../../../control-plane/registry/service-network/free-ordinal';
import { clusterDnsServiceIp, dynamicOrdinals, ipAt, kubernetesServiceIp, ordinalOf, parseIpRange, staticBandSize } from '../../../../../control-plane/registry/service-network/ip-range';

describe('service IP range', () => {
  it('reserves the first address for the kubernetes service and never hands out network or broadcast', () => {
    const range = parseIpRange('10.43.0.0/16');
    assert.equal(kubernetesServiceIp(range), '10.43.0.1');
    assert.equal(ordinalOf(range, '10.43.0.0'), undefined);
    assert.equal(ordinalOf(range, '10.43.255.255'), undefined);
    assert.equal(ordinalOf(range, '10.43.255.254'), 65534);
  });

  it('keeps a static band at the bottom, which automatic allocation takes only after the rest (KEP-3070)', () => {
    // min(max(16, size / 16), 256); none for 16 addresses or fewer.
    assert.deepEqual([16, 18, 20, 24, 28].map((bits) => staticBandSize(parseIpRange(`10.43.0.0/${bits}`))), [256, 256, 256, 16, 0]);
    assert.equal(staticBandSize(parseIpRange('10.43.0.0/22')), 64);
    assert.deepEqual(dynamicOrdinals(parseIpRange('10.43.0.0/16')), [{ first: 257, last: 65534 }, { first: 2, last: 256 }]);
    assert.deepEqual(dynamicOrdinals(parseIpRange('10.43.0.0/28')), [{ first: 2, last: 14 }]);
  });

  it('puts kube-dns at the tenth address, where kubeadm and k3s do, when the range has one', () => {
    assert.equal(clusterDnsServiceIp(parseIpRange('10.43.0.0/16')), '10.43.0.10');
    assert.equal(clusterDnsServiceIp(parseIpRange('10.43.0.0/28')), '10.43.0.10');
    assert.equal(clusterDnsServiceIp(parseIpRange('10.43.0.0/29')), undefined);
  });

  it('normalises the CIDR to its network address and rejects what is not an IPv4 CIDR', () => {
    assert.equal(parseIpRange('10.43.7.9/16').cidr, '10.43.0.0/16');
    assert.throws(() => parseIpRange('10.43.0.0'), /IPv4 CIDR/);
    assert.throws(() => parseIpRange('fd00::/64'), /IPv4 CIDR/);
  });

  it('treats addresses outside the range as not assignable', () => {
    assert.equal(ordinalOf(parseIpRange('10.43.0.0/16'), '10.99.0.5'), undefined);
    assert.equal(ordinalOf(parseIpRange('10.43.0.0/16'), 'not-an-ip'), undefined);
  });

  it('maps ordinals and addresses both ways', () => {
    const range = parseIpRange('192.168.128.0/17');
    fc.assert(fc.property(fc.integer({ min: 1, max: range.size - 2 }), (n) => ordinalOf(range, ipAt(range, n)) === n));
  });
});

describe('pickFree', () => {
  it('returns undefined when every value is taken (exhaustion)', () => {
    assert.equal(pickFree(2, 5, new Set([2, 3, 4, 5]), () => 0.5), undefined);
  });

  it('finds the last free value wherever it starts looking', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 0.9999, noNaN: true }), (r) => pickFree(1, 10, new Set([1, 2, 3, 4, 5, 6, 8, 9, 10]), () => r) === 7));
  });

  it('allocating until full then releasing hands out each value once and reuses only released ones', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant('alloc' as const), fc.integer({ min: 30000, max: 30015 })), { maxLength: 60 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (ops, r) => {
      const taken = new Set<number>();
      for (const op of ops) {
        if (op !== 'alloc') { taken.delete(op); continue; }
        const value = pickFree(30000, 30015, taken, () => r);
        if (taken.size === 16) { assert.equal(value, undefined); continue; }
        assert.ok(value !== undefined && value >= 30000 && value <= 30015 && !taken.has(value));
        taken.add(value);
      }
    }));
  });
});
