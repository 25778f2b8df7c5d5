import assert from 'node:assert/strict';
import { exponentialDelayMs } from '../../../base/backoff';
import { systemClock } from '../../../base/clock';
import { FakeClock } from '../../support/fake-clock';
import { collectGarbage } from '../../support/force-gc';

describe('Clock', () => {
  it('the system clock sleeps, and an aborted sleep resolves at once', async () => {
    const started = Date.now();
    await systemClock.sleep(20);
    assert.ok(Date.now() - started >= 15);
    const ctl = new AbortController();
    ctl.abort();
    const t0 = Date.now();
    await systemClock.sleep(10_000, ctl.signal);
    assert.ok(Date.now() - t0 < 1_000);
  });

  it('a scheduled call can be cancelled', async () => {
    let fired = false;
    systemClock.schedule(() => (fired = true), 5).dispose();
    await systemClock.sleep(20);
    assert.equal(fired, false);
  });

  it('the system clock\'s timeout fires through an AbortSignal.any even after a garbage collection', async () => {
    // Only the combined signal is referenced, as in a bounded call: AbortSignal.any holds its sources weakly.
    const bounded = AbortSignal.any([new AbortController().signal, systemClock.timeout(50)]);
    const fired = new Promise<string>((resolve) => bounded.addEventListener('abort', () => resolve((bounded.reason as DOMException).name), { once: true }));
    await systemClock.sleep(10);
    collectGarbage();
    const outcome = await Promise.race([fired, systemClock.sleep(1_000).then(() => 'never fired')]);
    assert.equal(outcome, 'TimeoutError');
  });

  it('the fake clock resolves sleeps and fires timeouts only as time is advanced', async () => {
    const clock = new FakeClock(0);
    let woke = false;
    void clock.sleep(1_000).then(() => (woke = true));
    const deadline = clock.timeout(500);
    await clock.advance(499);
    assert.equal(deadline.aborted, false);
    await clock.advance(1);
    assert.equal(deadline.aborted, true);
    assert.equal(woke, false);
    await clock.advance(500);
    assert.equal(woke, true);
    assert.equal(clock.now(), 1_000);
  });

  it('a fake sleep ends when its signal aborts', async () => {
    const clock = new FakeClock(0);
    const ctl = new AbortController();
    let woke = false;
    void clock.sleep(60_000, ctl.signal).then(() => (woke = true));
    ctl.abort();
    await clock.advance(0);
    assert.equal(woke, true);
    assert.equal(clock.timers, 0);
  });
});

describe('exponentialDelayMs', () => {
  const cases: [number, number][] = [[0, 100], [1, 100], [2, 200], [3, 400], [10, 5_000]];
  for (const [failures, expected] of cases) {
    it(`after ${failures} failures waits ${expected} ms (100 ms doubling, capped at 5 s)`, () => {
      assert.equal(exponentialDelayMs(failures, 100, 5_000), expected);
    });
  }
});
