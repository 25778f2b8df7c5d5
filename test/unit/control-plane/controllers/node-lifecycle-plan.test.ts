import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../../api/core-v1';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../../../../control-plane/nodes/node-health';
import { planNode, type NodeSilence } from '../../../../control-plane/controllers/node-lifecycle-plan';
import { aNode, aPod } from './fixtures';

const now = new Date('2026-03-01T12:00:00Z');
const GRACE = 5000;
const unreachable = (): Node => {
  const node = aNode('pi1', { ready: 'Unknown' });
  return { ...node, spec: { taints: [{ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute' }] } };
};

const notReady = (): Node => {
  const node = aNode('pi1', { ready: 'False' });
  return { ...node, spec: { taints: [{ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' }] } };
};

describe('node lifecycle plan', () => {
  const cases: { name: string; node: Node; pods?: Pod[]; silence: Omit<NodeSilence, 'gracePeriodMs'>; want: { status?: string; taints?: number; pods?: number; transition?: string; requeueAfterMs?: number } }[] = [
    { name: 'a healthy node speaking: nothing written, looked at again when its grace would run out', node: aNode('pi1'), silence: { alive: true, silentForMs: 1000 },
      want: { requeueAfterMs: 4010 } },
    { name: 'silent within the grace period: nothing yet', node: aNode('pi1'), silence: { alive: false, silentForMs: 4999 }, want: { requeueAfterMs: 11 } },
    { name: 'silent for the grace period: Ready Unknown, the unreachable taints, its ready pods not ready', node: aNode('pi1'), pods: [aPod('a'), aPod('b', { ready: false })],
      silence: { alive: false, silentForMs: 5000 }, want: { status: 'Unknown', taints: 2, pods: 1, transition: 'unreachable' } },
    { name: 'already unreachable: nothing written again', node: unreachable(), silence: { alive: false, silentForMs: 60_000 }, want: {} },
    { name: 'speaking but saying Ready False: the not-ready taints (no unreachable one), its ready pods not ready', node: aNode('pi1', { ready: 'False' }),
      pods: [aPod('a'), aPod('b', { ready: false })], silence: { alive: true, silentForMs: 0 }, want: { taints: 2, pods: 1, transition: 'not-ready', requeueAfterMs: 5010 } },
    { name: 'Ready False and already tainted not-ready: nothing written again, the pods are not marked twice', node: notReady(), pods: [aPod('a')],
      silence: { alive: true, silentForMs: 0 }, want: { requeueAfterMs: 5010 } },
    { name: 'Ready True again after Ready False: the not-ready taints go', node: { ...notReady(), status: aNode('pi1').status }, silence: { alive: true, silentForMs: 0 },
      want: { taints: 0, transition: 'reachable', requeueAfterMs: 5010 } },
    { name: 'a Ready False node going silent: Unknown and the unreachable taints replace the not-ready ones', node: notReady(), silence: { alive: false, silentForMs: 5000 },
      want: { status: 'Unknown', taints: 2, transition: 'unreachable' } },
    { name: 'alive again: Ready True and no taints', node: unreachable(), silence: { alive: true, silentForMs: 0 }, want: { status: 'True', taints: 0, transition: 'reachable', requeueAfterMs: 5010 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planNode(c.node, c.pods ?? [], { ...c.silence, gracePeriodMs: GRACE }, now);
      const got: Record<string, unknown> = {};
      if (plan.status) got.status = plan.status.conditions?.find((x) => x.type === 'Ready')?.status;
      if (plan.taints) got.taints = plan.taints.length;
      if (plan.podsNotReady.length > 0) got.pods = plan.podsNotReady.length;
      if (plan.transition) got.transition = plan.transition;
      if (plan.requeueAfterMs !== undefined) got.requeueAfterMs = plan.requeueAfterMs;
      assert.deepEqual(got, c.want);
    });
  }

  it('marks the pods not ready with the transition time, leaving the cached pod untouched', () => {
    const pod = aPod('a');
    const [next] = planNode(aNode('pi1'), [pod], { alive: false, silentForMs: GRACE, gracePeriodMs: GRACE }, now).podsNotReady;
    assert.deepEqual(next?.status?.conditions?.[0], { type: 'Ready', status: 'False', lastTransitionTime: '2026-03-01T12:00:00Z' });
    assert.equal(pod.status?.conditions?.[0]?.status, 'True');
  });

  it('puts the not-ready taints on with NoExecute, so the taint-eviction controller evicts after tolerationSeconds', () => {
    const plan = planNode(aNode('pi1', { ready: 'False' }), [], { alive: true, silentForMs: 0, gracePeriodMs: GRACE }, now);
    assert.deepEqual(plan.taints, [
      { key: TAINT_NOT_READY, effect: 'NoSchedule', timeAdded: '2026-03-01T12:00:00Z' }, { key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: '2026-03-01T12:00:00Z' },
    ]);
  });
});
