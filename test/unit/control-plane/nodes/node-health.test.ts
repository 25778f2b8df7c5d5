import assert from 'node:assert/strict';
import type { NodeStatus, Pod } from '../../../../api/core-v1';
import {
  podStatusNotReady, postedNodeStatus, unknownNodeStatus, withoutHealthTaints, withUnreachableTaints,
} from '../../../../control-plane/nodes/node-health';

const T0 = new Date('2024-05-01T10:00:00Z');
const T1 = new Date('2024-05-01T10:05:00Z');

describe('node health on the objects', () => {
  it('posts Ready True (KubeletReady) with the agent’s other conditions, heartbeats now', () => {
    const status = postedNodeStatus({ conditions: [{ type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' }] }, undefined, T0);
    assert.deepEqual(status.conditions, [
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:00Z' },
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:00Z' },
    ]);
  });

  it('keeps a condition’s transition time while its status stays, and moves it on a change', () => {
    const stored = postedNodeStatus({}, undefined, T0);
    const again = postedNodeStatus({}, stored, T1);
    assert.equal(again.conditions?.[0].lastTransitionTime, '2024-05-01T10:00:00Z');
    assert.equal(again.conditions?.[0].lastHeartbeatTime, '2024-05-01T10:05:00Z');
    const unknown = unknownNodeStatus(stored, T1);
    assert.equal(postedNodeStatus({}, unknown, T1).conditions?.[0].lastTransitionTime, '2024-05-01T10:05:00Z');
  });

  it('honours an agent that says it is not ready', () => {
    const status = postedNodeStatus({ conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' }] }, undefined, T0);
    assert.equal(status.conditions?.[0].status, 'False');
    assert.equal(status.conditions?.[0].reason, 'KubeletNotReady');
  });

  it('turns every kubelet condition Unknown (NodeStatusUnknown), keeping the last heartbeat', () => {
    const stored: NodeStatus = postedNodeStatus({ conditions: [{ type: 'MemoryPressure', status: 'False' }] }, undefined, T0);
    const status = unknownNodeStatus({ ...stored, conditions: [...(stored.conditions ?? []), { type: 'NetworkUnavailable', status: 'False' }] }, T1);
    const byType = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, c]));
    for (const type of ['Ready', 'MemoryPressure']) {
      assert.equal(byType[type].status, 'Unknown');
      assert.equal(byType[type].reason, 'NodeStatusUnknown');
      assert.equal(byType[type].message, 'Kubelet stopped posting node status.');
      assert.equal(byType[type].lastHeartbeatTime, '2024-05-01T10:00:00Z');
      assert.equal(byType[type].lastTransitionTime, '2024-05-01T10:05:00Z');
    }
    assert.equal(byType.NetworkUnavailable.status, 'False', 'conditions the kubelet does not post are left alone');
  });

  it('adds the unreachable NoSchedule and NoExecute taints once, keeping others', () => {
    const user = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    const taints = withUnreachableTaints([user], T0);
    assert.deepEqual(taints, [
      user,
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: '2024-05-01T10:00:00Z' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-05-01T10:00:00Z' },
    ]);
    assert.deepEqual(withUnreachableTaints(taints, T1), taints, 'timeAdded does not move');
    assert.deepEqual(withoutHealthTaints(taints), [user]);
  });

  it('flips a pod’s Ready condition to False, and leaves pods without one alone', () => {
    const pod = (conditions: NonNullable<Pod['status']>['conditions']): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] }, status: { phase: 'Running', conditions } });
    const status = podStatusNotReady(pod([{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }, { type: 'PodScheduled', status: 'True' }]), T0);
    assert.deepEqual(status?.conditions, [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-05-01T10:00:00Z' }, { type: 'PodScheduled', status: 'True' }]);
    assert.equal(podStatusNotReady(pod([{ type: 'PodScheduled', status: 'True' }]), T0), undefined);
    assert.equal(podStatusNotReady(pod([{ type: 'Ready', status: 'False' }]), T0), undefined);
  });
});

