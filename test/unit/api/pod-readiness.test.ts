import assert from 'node:assert/strict';
import { isPodActive, isPodAvailable, isPodReady } from '../../../api/pod-readiness';
import { aPodWith } from './workload-builders';

describe('pod readiness', () => {
  const now = new Date('2026-01-01T00:01:00Z');

  it('is ready only with a Ready=True condition', () => {
    assert.equal(isPodReady(aPodWith('a', { ready: true })), true);
    assert.equal(isPodReady(aPodWith('a', { ready: false })), false);
    assert.equal(isPodReady(aPodWith('a')), false);
  });

  // IsPodAvailable(pod, minReadySeconds, now): ready, and ready for longer than minReadySeconds.
  const cases: [string, { ready?: boolean; readySince?: string }, number, boolean][] = [
    ['a ready pod with minReadySeconds 0', { ready: true }, 0, true],
    ['a pod that is not ready', { ready: false, readySince: '2026-01-01T00:00:00Z' }, 0, false],
    ['ready for 60s of 30', { ready: true, readySince: '2026-01-01T00:00:00Z' }, 30, true],
    ['ready for exactly 60s of 60 (strictly after)', { ready: true, readySince: '2026-01-01T00:00:00Z' }, 60, false],
    ['ready for 60s of 90', { ready: true, readySince: '2026-01-01T00:00:00Z' }, 90, false],
    ['ready without a transition time, minReadySeconds 10', { ready: true }, 10, false],
  ];
  for (const [name, pod, minReadySeconds, expected] of cases) {
    it(`${expected ? 'counts' : 'does not count'} ${name} as available`, () => {
      assert.equal(isPodAvailable(aPodWith('p', pod), minReadySeconds, now), expected);
    });
  }

  it('is active until it finishes or is being deleted', () => {
    assert.equal(isPodActive(aPodWith('a', { phase: 'Running' })), true);
    assert.equal(isPodActive(aPodWith('a', { phase: 'Succeeded' })), false);
    const deleting = aPodWith('a', { phase: 'Running' });
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    assert.equal(isPodActive(deleting), false);
  });
});
