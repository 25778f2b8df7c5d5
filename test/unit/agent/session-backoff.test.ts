import assert from 'node:assert/strict';
import { SessionBackoff } from '../../../agent/session-backoff';

describe('SessionBackoff', () => {
  const noJitter = { jitter: 0, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };

  it('doubles the delay after each failed attempt, up to the cap', () => {
    const backoff = new SessionBackoff(1, noJitter);
    const delays = Array.from({ length: 7 }, () => backoff.next(0, 'refused').delayMs);
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('tries the next control-plane address after each failure, wrapping around', () => {
    const backoff = new SessionBackoff(3, noJitter);
    assert.equal(backoff.current, 0);
    assert.deepEqual([1, 2, 3, 4].map(() => backoff.next(0, 'refused').serverIndex), [1, 2, 0, 1]);
  });

  it('resets to the initial delay after a session that stayed up long enough', () => {
    const backoff = new SessionBackoff(1, { ...noJitter, healthyAfterMs: 5000 });
    for (let i = 0; i < 5; i++) backoff.next(0, 'refused');
    const afterHealthy = backoff.next(60_000, 'server restarted');
    assert.equal(afterHealthy.delayMs, 100);
    assert.match(afterHealthy.reason, /server restarted; session was healthy, backoff reset/);
    assert.equal(backoff.next(0, 'refused').delayMs, 100);
  });

  it('counts a short-lived session as a failure', () => {
    const backoff = new SessionBackoff(1, { ...noJitter, healthyAfterMs: 5000 });
    backoff.next(0, 'refused');
    assert.equal(backoff.next(1000, 'dropped').delayMs, 200);
  });

  const jitterCases: [number, number][] = [[0, 80], [0.5, 100], [0.999999, 120]];
  for (const [random, expected] of jitterCases) {
    it(`spreads each delay within ±jitter (random ${random} → ${expected} ms)`, () => {
      const backoff = new SessionBackoff(1, { ...noJitter, jitter: 0.2, random: () => random });
      assert.equal(backoff.next(0, 'refused').delayMs, expected);
    });
  }

  it('never exceeds the cap, jitter included', () => {
    const backoff = new SessionBackoff(1, { ...noJitter, jitter: 0.5, random: () => 0.999 });
    for (let i = 0; i < 10; i++) assert.ok(backoff.next(0, 'refused').delayMs <= 1000);
  });

  it('needs at least one address', () => {
    assert.throws(() => new SessionBackoff(0), /at least one control-plane address/);
  });
});
