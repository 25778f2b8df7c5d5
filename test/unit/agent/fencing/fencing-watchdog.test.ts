import assert from 'node:assert/strict';
import { FencingWatchdog } from '../../../../agent/fencing/fencing-watchdog';
import { FakeClock, settle } from '../../../support/fake-clock';

describe('FencingWatchdog (fake clock)', () => {
  let clock: FakeClock;
  let lastContact: number;
  let calls: string[];
  let stop: AbortController;
  let watchdog: FencingWatchdog;

  beforeEach(async () => {
    clock = new FakeClock();
    lastContact = clock.now();
    calls = [];
    stop = new AbortController();
    watchdog = new FencingWatchdog({
      clock, log: () => undefined, lastContactMs: () => lastContact, periodMs: () => 6000,
      target: { fence: (reason) => calls.push(`fence: ${reason}`), unfence: () => calls.push('unfence') },
    });
    watchdog.start(stop.signal);
    await settle();
  });

  afterEach(async () => {
    stop.abort();
    await clock.advance(1000);
    await watchdog.stopped();
  });

  it('fences once the control plane has been silent for the period, once only', async () => {
    await clock.advance(5900);
    assert.deepEqual(calls, []);
    await clock.advance(200);
    assert.deepEqual(calls, ['fence: no control plane reachable for 6.0s (fencing period 6.0s)']);
    await clock.advance(10_000);
    assert.equal(calls.length, 1);
  });

  it('never fences while contacts keep coming', async () => {
    for (let i = 0; i < 20; i++) {
      await clock.advance(1000);
      lastContact = clock.now();
    }
    assert.deepEqual(calls, []);
  });

  it('is not lifted by contact alone, only by a confirmation; then it can fence again', async () => {
    await clock.advance(6100);
    lastContact = clock.now();
    await clock.advance(1000);
    assert.equal(watchdog.isFenced, true, 'a Welcome without the confirmed pod set lifts nothing');
    watchdog.confirmed();
    assert.deepEqual(calls.slice(1), ['unfence']);
    await clock.advance(6100);
    assert.equal(calls.filter((c) => c.startsWith('fence')).length, 2);
  });

  it('a confirmation while not fenced does nothing', () => {
    watchdog.confirmed();
    assert.deepEqual(calls, []);
  });
});
