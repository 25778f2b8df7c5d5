import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ORPHAN_QUARANTINE_MS, planOrphanedPods, type OrphanInput } from '../../../../control-plane/controllers/pod-gc-plan';
import { aPod } from './fixtures';

const NOW = new Date('2026-01-01T10:00:00Z');
const finished = (name: string): Pod => ({ ...aPod(name), status: { phase: 'Succeeded' } });
const input = (over: Partial<OrphanInput>): OrphanInput => ({ nodeExists: false, seenDeleted: true, pods: [aPod('web')], now: NOW, ...over });

describe('pod garbage collector plan (pods of nodes that no longer exist)', () => {
  it('does nothing while the node exists', () => {
    assert.deepEqual(planOrphanedPods(input({ nodeExists: true })), { action: 'none' });
  });

  it('does nothing for a missing node without pods', () => {
    assert.deepEqual(planOrphanedPods(input({ pods: [] })), { action: 'none' });
  });

  it('collects the pods of a node seen deleted at once: a running pod turns Failed with DisruptionTarget DeletionByPodGC', () => {
    const plan = planOrphanedPods(input({}));
    assert.equal(plan.action, 'collect');
    const [orphan] = plan.action === 'collect' ? plan.pods : [];
    assert.equal(orphan?.status?.phase, 'Failed');
    const condition = orphan?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual(condition, { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T10:00:00Z', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    assert.ok(orphan?.status?.conditions?.some((c) => c.type === 'Ready'), 'the other conditions stay');
  });

  it('deletes a finished pod without writing its status', () => {
    const plan = planOrphanedPods(input({ pods: [finished('job')] }));
    assert.deepEqual(plan, { action: 'collect', pods: [{ pod: finished('job') }] });
  });

  it('holds a node name never seen in quarantine for 40 s, as Kubernetes', () => {
    assert.deepEqual(planOrphanedPods(input({ seenDeleted: false })), { action: 'wait', missingSinceMs: NOW.getTime(), requeueAfterMs: ORPHAN_QUARANTINE_MS });
    const since = NOW.getTime() - 30_000;
    assert.deepEqual(planOrphanedPods(input({ seenDeleted: false, missingSinceMs: since })), { action: 'wait', missingSinceMs: since, requeueAfterMs: 10_000 });
    assert.equal(planOrphanedPods(input({ seenDeleted: false, missingSinceMs: NOW.getTime() - ORPHAN_QUARANTINE_MS })).action, 'collect');
  });
});
