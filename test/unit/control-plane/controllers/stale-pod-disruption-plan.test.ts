import assert from 'node:assert/strict';
import type { Pod, PodCondition } from '../../../../api/core-v1';
import { planStalePodDisruption, type StalePlan } from '../../../../control-plane/controllers/stale-pod-disruption-plan';

const NOW = new Date('2026-12-07T10:00:00Z');
const ago = (s: number): string => new Date(NOW.getTime() - s * 1000).toISOString().replace(/\.000Z$/, 'Z');

function aPod(condition: Partial<PodCondition> | undefined, opts: { phase?: 'Running' | 'Succeeded'; deleting?: boolean } = {}): Pod {
  const target = condition ? [{ type: 'DisruptionTarget', status: 'True' as const, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: ago(30), ...condition }] : [];
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', ...(opts.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: 'True' }, ...target] },
  };
}

describe('stale DisruptionTarget clean-up plan (syncStalePodDisruption)', () => {
  const cases: [string, Pod, StalePlan['action'], number?][] = [
    ['a pod without the condition is left alone', aPod(undefined), 'none'],
    ['a pod being deleted is left alone', aPod({}, { deleting: true }), 'none'],
    ['a False condition is left alone', aPod({ status: 'False' }), 'none'],
    ['a condition the kubelet set is never stale', aPod({ reason: 'TerminationByKubelet', lastTransitionTime: ago(600) }), 'none'],
    ['a finished pod is left alone', aPod({ lastTransitionTime: ago(600) }, { phase: 'Succeeded' }), 'none'],
    ['a fresh mark waits until it is 2 minutes old', aPod({ lastTransitionTime: ago(30) }), 'wait', 90_000],
    ['a mark older than 2 minutes is cleared', aPod({ lastTransitionTime: ago(121) }), 'clear'],
  ];
  for (const [name, pod, action, afterMs] of cases) {
    it(name, () => {
      const plan = planStalePodDisruption(pod, NOW);
      assert.equal(plan.action, action);
      if (plan.action === 'wait') assert.equal(plan.afterMs, afterMs);
    });
  }

  it('turns the condition False with a new transition time, keeping the rest of the pod', () => {
    const pod = aPod({ lastTransitionTime: ago(300) });
    const plan = planStalePodDisruption(pod, NOW);
    assert.equal(plan.action, 'clear');
    if (plan.action !== 'clear') return;
    assert.deepEqual(plan.pod.status?.conditions, [
      { type: 'Ready', status: 'True' },
      { type: 'DisruptionTarget', status: 'False', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: '2026-12-07T10:00:00Z' },
    ]);
    assert.equal(pod.status?.conditions?.[1]?.status, 'True', 'the cached pod is not changed');
  });
});
