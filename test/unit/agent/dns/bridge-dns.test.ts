import assert from 'node:assert/strict';
import { BridgeDns } from '../../../../agent/dns/bridge-dns';
import { FakeClock } from '../../../support/fake-clock';

describe('cluster DNS on the pod bridge', () => {
  let clock: FakeClock;
  let stop: AbortController;
  let binds: string[];
  let refuse: boolean;
  let changes: number;
  let dns: BridgeDns;

  beforeEach(() => {
    clock = new FakeClock();
    stop = new AbortController();
    binds = [];
    refuse = false;
    changes = 0;
    dns = new BridgeDns({
      serve: (address) => (binds.push(address), refuse ? Promise.reject(new Error('EADDRINUSE')) : Promise.resolve()),
      clock, signal: stop.signal, onChange: () => changes++, log: () => undefined,
    });
  });

  afterEach(() => stop.abort());

  it('has no problem before any address is asked for, and none once it serves there', async () => {
    assert.equal(dns.problem(), undefined);
    await dns.serve('10.42.1.1');
    assert.equal(dns.problem(), undefined);
    assert.equal(changes, 1);
  });

  it('says why it does not serve, retries every 5 s, and is fine once it binds', async () => {
    refuse = true;
    await dns.serve('10.42.1.1');
    assert.equal(dns.problem(), 'cluster DNS not serving on 10.42.1.1:53: EADDRINUSE');
    await clock.advance(4_999);
    assert.deepEqual(binds, ['10.42.1.1']);
    refuse = false;
    await clock.advance(1);
    assert.deepEqual(binds, ['10.42.1.1', '10.42.1.1']);
    assert.equal(dns.problem(), undefined);
    assert.equal(clock.timers, 0, 'no retry left once it serves');
  });

  it('stops retrying an older address once a newer one is asked for', async () => {
    refuse = true;
    await dns.serve('10.42.1.1');
    refuse = false;
    await dns.serve('10.42.7.1');
    await clock.advance(10_000);
    assert.deepEqual(binds, ['10.42.1.1', '10.42.7.1']);
    assert.equal(dns.problem(), undefined);
  });
});
