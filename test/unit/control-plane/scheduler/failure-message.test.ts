import assert from 'node:assert/strict';
import { failedSchedulingMessage } from '../../../../control-plane/scheduler/failure-message';

describe('failedSchedulingMessage', () => {
  it('counts and sorts reasons over nodes, with the preemption part Kubernetes 1.32 prints', () => {
    const message = failedSchedulingMessage(2, [
      { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true },
      { reasons: ['Insufficient cpu'], unresolvable: false },
    ]);
    assert.equal(
      message,
      "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..',
    );
  });

  it('matches the single-node insufficient cpu message seen on real clusters', () => {
    assert.equal(
      failedSchedulingMessage(1, [{ reasons: ['Insufficient cpu'], unresolvable: false }]),
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
    );
  });

  it('counts several reasons of one node separately', () => {
    const message = failedSchedulingMessage(3, [
      { reasons: ['Insufficient cpu', 'Insufficient memory'], unresolvable: false },
      { reasons: ['Insufficient memory'], unresolvable: false },
      { reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'], unresolvable: true },
    ], { preemption: false });
    assert.equal(message, '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.');
  });

  it('says preemption is not helpful when every node is unresolvable', () => {
    assert.equal(
      failedSchedulingMessage(2, [
        { reasons: ['node(s) were unschedulable'], unresolvable: true },
        { reasons: ['node(s) were unschedulable'], unresolvable: true },
      ]),
      '0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..',
    );
  });

  it('reports a pod that may not preempt', () => {
    assert.equal(
      failedSchedulingMessage(1, [{ reasons: ['Too many pods'], unresolvable: false }], { preemptionPolicy: 'Never' }),
      '0/1 nodes are available: 1 Too many pods. preemption: not eligible due to preemptionPolicy=Never..',
    );
  });

  it('says no nodes are available when the cluster has none', () => {
    assert.equal(failedSchedulingMessage(0, []), 'no nodes available to schedule pods');
  });
});
