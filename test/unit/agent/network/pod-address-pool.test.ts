import assert from 'node:assert/strict';
import { freeAddress, PodAddressPool } from '../../../../agent/network/pod-address-pool';
import { parseCidr, type Ipv4Cidr } from '../../../../agent/network/ipv4-cidr';

function cidr(text: string): Ipv4Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(text);
  return c;
}

describe('pod address pool', () => {
  const cases: { name: string; cidr: string; taken: string[]; want: string | undefined }[] = [
    { name: 'skips the network address and the gateway', cidr: '10.42.1.0/24', taken: [], want: '10.42.1.2' },
    { name: 'takes the lowest free address', cidr: '10.42.1.0/24', taken: ['10.42.1.2', '10.42.1.3', '10.42.1.5'], want: '10.42.1.4' },
    { name: 'never hands out the broadcast address', cidr: '10.42.1.0/30', taken: ['10.42.1.2'], want: undefined },
    { name: 'answers nothing when every address is taken', cidr: '10.42.1.0/29', taken: ['10.42.1.2', '10.42.1.3', '10.42.1.4', '10.42.1.5', '10.42.1.6'], want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(freeAddress(cidr(c.cidr), new Set(c.taken)), c.want));
  }

  it('searches round the CIDR from the one after the last address handed out', () => {
    assert.equal(freeAddress(cidr('10.42.1.0/24'), new Set(), '10.42.1.7'), '10.42.1.8');
    assert.equal(freeAddress(cidr('10.42.1.0/24'), new Set(['10.42.1.2']), '10.42.1.254'), '10.42.1.3');
  });

  it('holds a leased address until it is released, so concurrent sandboxes get different ones', () => {
    const pool = new PodAddressPool();
    const a = pool.lease(cidr('10.42.1.0/24'), new Set(), 0);
    const b = pool.lease(cidr('10.42.1.0/24'), new Set(), 0);
    assert.deepEqual([a.address, b.address], ['10.42.1.2', '10.42.1.3']);
    a.release();
    assert.equal(pool.lease(cidr('10.42.1.0/24'), new Set(['10.42.1.3']), 0).address, '10.42.1.4', 'a freed address is not the next one used');
  });

  it('keeps a created sandbox\'s address from a listing answered before the container existed', () => {
    const pool = new PodAddressPool();
    const a = pool.lease(cidr('10.42.1.0/24'), new Set(), 100);
    a.created(200);
    // Another worker's listing began at 150, before a's container was created: it cannot show it.
    const b = pool.lease(cidr('10.42.1.0/24'), new Set(), 150);
    assert.equal(b.address, '10.42.1.3');
    b.release();
    assert.notEqual(pool.lease(cidr('10.42.1.0/24'), new Set(), 150).address, '10.42.1.2');
  });

  it('frees the address of a sandbox that a listing begun after its creation no longer shows', () => {
    const pool = new PodAddressPool();
    pool.lease(cidr('10.42.1.0/29'), new Set(), 100).created(200);
    const taken = new Set(['10.42.1.3', '10.42.1.4', '10.42.1.5', '10.42.1.6']);
    assert.equal(pool.lease(cidr('10.42.1.0/29'), taken, 300).address, '10.42.1.2');
  });

  it('refuses when the pod CIDR is full', () => {
    const pool = new PodAddressPool();
    pool.lease(cidr('10.42.1.0/30'), new Set(), 0);
    assert.throws(() => pool.lease(cidr('10.42.1.0/30'), new Set(), 0), /no free pod address left in 10\.42\.1\.0\/30/);
  });
});
