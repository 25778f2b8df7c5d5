import assert from 'node:assert/strict';
import type { Node, NodeCondition, Taint } from '../../../../api/core-v1';
import { withConditionTaints } from '../../../../control-plane/nodes/condition-taints';
import { planNode } from '../../../../control-plane/controllers/node-lifecycle-plan';

const now = new Date('2026-01-01T10:00:00Z');
const condition = (type: string, status: NodeCondition['status']): NodeCondition => ({ type, status });

describe('taint nodes by condition', () => {
  it('adds the memory-pressure and disk-pressure NoSchedule taints for True conditions, with the time added', () => {
    const taints = withConditionTaints([], [condition('MemoryPressure', 'True'), condition('DiskPressure', 'True'), condition('PIDPressure', 'False')], now);
    assert.deepEqual(taints, [
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: '2026-01-01T10:00:00Z' },
      { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule', timeAdded: '2026-01-01T10:00:00Z' },
    ]);
  });

  it('keeps a taint already there as it is, removes it once the condition is False or Unknown, and leaves other taints alone', () => {
    const old: Taint = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: '2025-12-31T00:00:00Z' };
    const mine: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    assert.deepEqual(withConditionTaints([mine, old], [condition('MemoryPressure', 'True')], now), [mine, old]);
    assert.deepEqual(withConditionTaints([mine, old], [condition('MemoryPressure', 'Unknown')], now), [mine]);
    assert.deepEqual(withConditionTaints([mine, old], [condition('MemoryPressure', 'False')], now), [mine]);
  });

  it('the node lifecycle plan of a healthy node writes the taint when its agent reports MemoryPressure True', () => {
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1' }, spec: {}, status: { conditions: [condition('Ready', 'True'), condition('MemoryPressure', 'True')] } };
    const plan = planNode(node, [], { alive: true, silentForMs: 0, gracePeriodMs: 40_000 }, now);
    assert.deepEqual(plan.taints, [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: '2026-01-01T10:00:00Z' }]);
    const tainted: Node = { ...node, spec: { taints: plan.taints } };
    assert.equal(planNode(tainted, [], { alive: true, silentForMs: 0, gracePeriodMs: 40_000 }, now).taints, undefined, 'nothing to write once it is there');
  });
});
