import assert from 'node:assert/strict';
import { podsToDelete, rankPodsForDeletion } from '../../../api/active-pods-ranking';
import type { Pod } from '../../../api/core-v1';
import { aPodWith } from './workload-builders';

const now = new Date('2026-01-01T12:00:00Z');
const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name ?? '');
const running = { nodeName: 'n1', phase: 'Running' as const, ready: true, readySince: '2026-01-01T00:00:00Z', created: '2026-01-01T00:00:00Z' };

describe('ActivePodsWithRanks order', () => {
  // Each case: a pod that must be deleted before the other, as controller_utils_test's TestSortingActivePodsWithRanks.
  const cases: [string, Parameters<typeof aPodWith>[1], Parameters<typeof aPodWith>[1]][] = [
    ['unassigned before assigned', { ...running, nodeName: undefined, phase: 'Pending' }, running],
    ['Pending before Running', { ...running, phase: 'Pending' }, running],
    ['Unknown before Running', { ...running, phase: 'Unknown' }, running],
    ['Pending before Unknown', { ...running, phase: 'Pending' }, { ...running, phase: 'Unknown' }],
    ['not ready before ready', { ...running, ready: false }, running],
    ['lower deletion cost first', { ...running, annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-5' } }, running],
    ['ready for a shorter time first', { ...running, readySince: '2026-01-01T11:59:00Z' }, running],
    ['more restarts first', { ...running, restarts: 3 }, running],
    ['newer first', { ...running, created: '2026-01-01T11:00:00Z' }, running],
    ['no creation time first', { ...running, created: undefined }, running],
  ];
  for (const [name, first, second] of cases) {
    it(`deletes ${name}`, () => {
      const [a, b] = [aPodWith('a', first), aPodWith('b', second)];
      assert.deepEqual(names(rankPodsForDeletion([b, a], [a, b], now)), ['a', 'b']);
      assert.deepEqual(names(rankPodsForDeletion([a, b], [a, b], now)), ['a', 'b']);
    });
  }

  it('ignores an invalid deletion cost ("+10", "008")', () => {
    const plus = aPodWith('a', { ...running, annotations: { 'controller.kubernetes.io/pod-deletion-cost': '+10' }, restarts: 1 });
    const zeros = aPodWith('b', { ...running, annotations: { 'controller.kubernetes.io/pod-deletion-cost': '008' } });
    assert.deepEqual(names(rankPodsForDeletion([zeros, plus], [], now)), ['a', 'b']);
  });

  it('deletes pods on the node with more related pods first', () => {
    const lonely = aPodWith('lonely', { ...running, nodeName: 'n1' });
    const crowded = aPodWith('crowded', { ...running, nodeName: 'n2' });
    const related = [lonely, crowded, aPodWith('x', { ...running, nodeName: 'n2' })];
    assert.deepEqual(names(rankPodsForDeletion([lonely, crowded], related, now)), ['crowded', 'lonely']);
  });

  it('treats ages in the same power of two as equal and breaks the tie by uid', () => {
    const older = aPodWith('b', { ...running, created: '2026-01-01T11:00:00Z' });
    const newer = aPodWith('a', { ...running, created: '2026-01-01T11:00:10Z' });
    assert.deepEqual(names(rankPodsForDeletion([older, newer], [], now)), ['a', 'b']);
    const newerB = aPodWith('b', { ...running, created: '2026-01-01T11:00:10Z' });
    const olderA = aPodWith('a', { ...running, created: '2026-01-01T11:00:00Z' });
    assert.deepEqual(names(rankPodsForDeletion([newerB, olderA], [], now)), ['a', 'b']);
  });

  it('picks the requested number of victims without reordering its input', () => {
    const pods = [aPodWith('ok', running), aPodWith('pending', { ...running, phase: 'Pending' }), aPodWith('unready', { ...running, ready: false })];
    assert.deepEqual(names(podsToDelete(pods, pods, 2, now)), ['pending', 'unready']);
    assert.deepEqual(names(pods), ['ok', 'pending', 'unready']);
    assert.equal(podsToDelete(pods, pods, 5, now).length, 3);
  });
});

describe('ActivePodsWithRanks restart counts', () => {
  it('counts only regular containers, as maxContainerRestarts does', () => {
    const initRestarts = aPodWith('a', running);
    initRestarts.status!.initContainerStatuses = [{ name: 'init', ready: false, restartCount: 9, image: '', imageID: '' }];
    const restarted = aPodWith('b', { ...running, restarts: 1 });
    assert.deepEqual(names(rankPodsForDeletion([initRestarts, restarted], [], now)), ['b', 'a']);
  });
});
