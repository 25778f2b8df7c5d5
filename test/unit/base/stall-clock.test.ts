import assert from 'node:assert/strict';
import type { Disposable } from '../../../base/disposable';
import { StallClock } from '../../../base/stall-clock';

/** A monotonic source moved by hand, and the tick fired by hand (as the event loop would, late or not). */
function setup(longStallMs = 1500) {
  let t = 50_000;
  let tick: (() => void) | undefined;
  const longStalls: number[] = [];
  const every = (fn: () => void): Disposable => {
    tick = fn;
    return { dispose: () => (tick = undefined) };
  };
  const clock = new StallClock({ tickMs: 100, toleranceMs: 250, longStallMs, monotonic: () => t, every, onLongStall: (ms) => void longStalls.push(ms) });
  const run = (ms: number): void => {
    for (let left = ms; left > 0; left -= 100) {
      t += Math.min(100, left);
      tick?.();
    }
  };
  const stall = (ms: number): void => void (t += ms);
  return { clock, run, stall, longStalls, ticking: () => tick !== undefined };
}

describe('StallClock', () => {
  it('runs with the monotonic source while the ticks come on time', () => {
    const { clock, run } = setup();
    const start = clock.now();
    run(5000);
    assert.equal(clock.now() - start, 5000);
    assert.equal(clock.totalStalledMs, 0);
  });

  it('takes late ticks within the tolerance as jitter', () => {
    const { clock, stall, run } = setup();
    const start = clock.now();
    stall(200);
    run(100);
    assert.equal(clock.now() - start, 300);
  });

  it('does not advance over a stall, even when read before the late tick fires', () => {
    const { clock, stall, run, longStalls } = setup();
    run(1000);
    const before = clock.now();
    stall(5000);
    assert.equal(clock.now() - before, 100, 'the tick was due 100 ms in: only that counts');
    run(1000);
    assert.equal(clock.now() - before, 1100);
    assert.equal(clock.totalStalledMs, 4900);
    assert.deepEqual(longStalls, [4900]);
    assert.equal(clock.lastLongStallEnd, before + 100);
  });

  it('remembers only stalls at least longStallMs long as long ones', () => {
    const { clock, stall, run, longStalls } = setup(1500);
    stall(1000);
    run(100);
    assert.equal(clock.totalStalledMs, 1000);
    assert.deepEqual(longStalls, []);
    assert.equal(clock.lastLongStallEnd, undefined);
  });

  it('never goes back', () => {
    const { clock, stall, run } = setup();
    let last = clock.now();
    for (const ms of [50, 400, 3000, 10, 260, 2000]) {
      stall(ms);
      const now = clock.now();
      assert.ok(now >= last, `${now} after ${last}`);
      last = now;
      run(100);
    }
  });

  it('stops its tick when disposed', () => {
    const { clock, ticking } = setup();
    clock.dispose();
    assert.equal(ticking(), false);
  });
});
