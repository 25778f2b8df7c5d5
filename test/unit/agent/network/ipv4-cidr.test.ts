import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contains, formatCidr, gatewayOf, overlaps, parseCidr } from '../../../../agent/network/ipv4-cidr';

const cidr = (text: string) => {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad test CIDR ${text}`);
  return c;
};

describe('IPv4 CIDRs', () => {
  it('parses and normalises to the network address', () => {
    assert.equal(formatCidr(cidr('10.42.1.7/24')), '10.42.1.0/24');
    assert.equal(formatCidr(cidr('10.42.1.7')), '10.42.1.7/32');
    assert.equal(formatCidr(cidr('0.0.0.0/0')), '0.0.0.0/0');
  });

  for (const bad of ['10.42.1.0/33', '10.42.1/24', '256.1.1.1/8', '10.42.1.0/24/1', '10.42.1.0/-1', 'a.b.c.d/8', '', '10.042.1.0/24', ' 10.42.1.0/24']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseCidr(bad), undefined));
  }

  it('tells overlapping and disjoint ranges apart', () => {
    assert.ok(overlaps(cidr('10.42.0.0/16'), cidr('10.42.7.0/24')));
    assert.ok(overlaps(cidr('10.42.7.0/24'), cidr('10.0.0.0/8')));
    assert.ok(!overlaps(cidr('10.42.0.0/16'), cidr('10.43.0.0/16')));
    assert.ok(!overlaps(cidr('10.42.0.0/16'), cidr('172.29.1.0/24')));
  });

  it('knows containment and the gateway address', () => {
    assert.ok(contains(cidr('10.42.0.0/16'), cidr('10.42.3.0/24')));
    assert.ok(!contains(cidr('10.42.3.0/24'), cidr('10.42.0.0/16')));
    assert.equal(gatewayOf(cidr('10.42.3.0/24')), '10.42.3.1');
  });

  it('round-trips any address and prefix, and overlap is symmetric', () => {
    const arb = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`);
    fc.assert(fc.property(arb, arb, (a, b) => {
      const ca = cidr(a);
      assert.deepEqual(parseCidr(formatCidr(ca)), ca);
      assert.equal(overlaps(ca, cidr(b)), overlaps(cidr(b), ca));
      assert.equal(overlaps(ca, cidr(b)), contains(ca, cidr(b)) || contains(cidr(b), ca));
    }));
  });
});
