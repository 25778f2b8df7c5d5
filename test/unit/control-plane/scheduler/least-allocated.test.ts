import assert from 'node:assert/strict';
import { leastAllocatedScore, leastRequestedScore } from '../../../../control-plane/scheduler/least-allocated';
import { aNode, aPod } from './fixtures';

describe('leastAllocatedScore', () => {
  it('scores an empty node near 100 and a full one 0', () => {
    const node = aNode('pi-1', { cpu: '4', memory: '4Gi', pods: '110' });
    assert.equal(leastAllocatedScore(aPod({ cpu: '1', memory: '1Gi' }), node, []), 75);
    assert.equal(leastAllocatedScore(aPod({ cpu: '4', memory: '4Gi' }), node, []), 0);
  });

  it('averages cpu and memory with integer arithmetic', () => {
    // cpu (4000-1000)*100/4000 = 75, memory (4Gi-3Gi)*100/4Gi = 25 → 50
    const node = aNode('pi-1', { cpu: '4', memory: '4Gi', pods: '110' });
    assert.equal(leastAllocatedScore(aPod({ cpu: '500m', memory: '1Gi' }), node, [aPod({ cpu: '500m', memory: '2Gi' })]), 50);
    // cpu (3000-1000)*100/3000 = 66.6 → 66; memory 100 - (1Gi/8Gi) = 87.5 → 87; (66+87)/2 = 76.5 → 76
    const odd = aNode('pi-2', { cpu: '3', memory: '8Gi', pods: '110' });
    assert.equal(leastAllocatedScore(aPod({ cpu: '1', memory: '1Gi' }), odd, []), 76);
  });

  it('counts missing requests as 100m cpu and 200Mi memory', () => {
    const node = aNode('pi-1', { cpu: '1', memory: '2000Mi', pods: '110' });
    // cpu (1000-100)*100/1000 = 90; memory (2000-200)*100/2000 = 90
    assert.equal(leastAllocatedScore(aPod(), node, []), 90);
  });

  it('prefers the emptier of two nodes', () => {
    const busy = aNode('busy');
    const idle = aNode('idle');
    const pod = aPod({ cpu: '500m', memory: '256Mi' });
    assert.ok(leastAllocatedScore(pod, idle, []) > leastAllocatedScore(pod, busy, [aPod({ cpu: '2', memory: '2Gi' })]));
  });

  it('skips terminated pods', () => {
    const node = aNode('pi-1', { cpu: '4', memory: '4Gi', pods: '110' });
    const done = { ...aPod({ cpu: '4', memory: '4Gi' }), status: { phase: 'Failed' as const } };
    assert.equal(leastAllocatedScore(aPod({ cpu: '1', memory: '1Gi' }), node, [done]), 75);
  });

  it('scores 0 when requests exceed capacity and ignores resources the node lacks', () => {
    assert.equal(leastRequestedScore(5, 4), 0);
    assert.equal(leastRequestedScore(1, 0), 0);
    assert.equal(leastAllocatedScore(aPod({ cpu: '1' }), aNode('pi-1', { cpu: '2', pods: '10' }), []), 50);
  });
});
