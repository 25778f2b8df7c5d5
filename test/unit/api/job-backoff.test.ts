import assert from 'node:assert/strict';
import { podFailureBackoffMs, remainingPodFailureBackoffMs } from '../../../api/job-backoff';

describe('Job pod failure backoff', () => {
  const cases: [number, number][] = [[0, 0], [1, 10_000], [2, 20_000], [3, 40_000], [6, 320_000], [7, 600_000], [100, 600_000]];
  for (const [failures, expected] of cases) {
    it(`waits ${expected / 1000}s after ${failures} failures since the last success`, () => {
      assert.equal(podFailureBackoffMs(failures), expected);
    });
  }

  it('counts the delay from the last failure', () => {
    const last = new Date('2026-01-01T00:00:00Z');
    assert.equal(remainingPodFailureBackoffMs(2, last, new Date('2026-01-01T00:00:05Z')), 15_000);
    assert.equal(remainingPodFailureBackoffMs(2, last, new Date('2026-01-01T00:00:30Z')), 0);
    assert.equal(remainingPodFailureBackoffMs(0, last, last), 0);
    assert.equal(remainingPodFailureBackoffMs(3, undefined, last), 0);
  });
});
