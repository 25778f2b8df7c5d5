import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { needsScheduling, planScheduling } from '../../../../control-plane/scheduler/scheduling-plan';
import { aNode, aPod } from './fixtures';

const now = new Date('2026-03-01T12:00:00Z');

describe('scheduling plan', () => {
  it('binds a pod to the node with the most room, counting the pods on each', () => {
    const busy = [aPod({ cpu: '3' }, { nodeName: 'pi1' })];
    const plan = planScheduling(aPod({ cpu: '500m' }), { nodes: [aNode('pi1'), aNode('pi2')], podsOn: (n) => (n === 'pi1' ? busy : []), now });
    assert.deepEqual(plan, { op: 'bind', nodeName: 'pi2' });
  });

  it('reports a pod that fits nowhere with PodScheduled=False and kube-scheduler\'s message', () => {
    const plan = planScheduling(aPod({ cpu: '8' }), { nodes: [aNode('pi1')], podsOn: () => [], now });
    assert.equal(plan.op, 'unschedulable');
    assert.match(plan.op === 'unschedulable' ? plan.message : '', /^0\/1 nodes are available: 1 Insufficient cpu\./);
    const condition = plan.op === 'unschedulable' ? plan.pod?.status?.conditions?.find((c) => c.type === 'PodScheduled') : undefined;
    assert.deepEqual([condition?.status, condition?.reason, condition?.lastTransitionTime], ['False', 'Unschedulable', '2026-03-01T12:00:00Z']);
  });

  it('does not rewrite a condition that already says the same', () => {
    const first = planScheduling(aPod({ cpu: '8' }), { nodes: [aNode('pi1')], podsOn: () => [], now });
    const again = planScheduling(first.op === 'unschedulable' ? (first.pod as Pod) : aPod(), { nodes: [aNode('pi1')], podsOn: () => [], now });
    assert.equal(again.op === 'unschedulable' && again.pod, undefined);
  });

  const cases: { name: string; pod: Pod; want: boolean }[] = [
    { name: 'a new pod', pod: aPod(), want: true },
    { name: 'a bound pod', pod: aPod({}, { nodeName: 'pi1' }), want: false },
    { name: 'another scheduler\'s pod', pod: aPod({}, { schedulerName: 'other' }), want: false },
    { name: 'a finished pod', pod: { ...aPod(), status: { phase: 'Succeeded' } }, want: false },
  ];
  for (const c of cases) it(`needsScheduling: ${c.name} → ${c.want}`, () => assert.equal(needsScheduling(c.pod), c.want));
});
