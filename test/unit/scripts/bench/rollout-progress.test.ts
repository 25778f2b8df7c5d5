import assert from 'node:assert/strict';
import { allReady, rolledOut, view } from '../../../../scripts/bench/rollout-progress';

function workload(generation: number, status: Record<string, unknown>): Record<string, unknown> {
  return { metadata: { name: 'rollout-6', generation }, status };
}

const full = { replicas: 6, readyReplicas: 6, availableReplicas: 6, updatedReplicas: 6 };

describe('rollout benchmark progress', () => {
  const readyCases: { what: string; kind: 'deployment' | 'replicaset'; object: Record<string, unknown>; ready: boolean }[] = [
    { what: 'all six ready for the current generation', kind: 'deployment', object: workload(1, { ...full, observedGeneration: 1 }), ready: true },
    { what: 'no status yet', kind: 'deployment', object: workload(1, {}), ready: false },
    { what: 'a status of an older generation', kind: 'deployment', object: workload(2, { ...full, observedGeneration: 1 }), ready: false },
    { what: 'five of six ready', kind: 'deployment', object: workload(1, { ...full, readyReplicas: 5, observedGeneration: 1 }), ready: false },
    { what: 'ready but not available', kind: 'replicaset', object: workload(1, { ...full, availableReplicas: 5, observedGeneration: 1 }), ready: false },
    { what: 'a Deployment with replicas not updated', kind: 'deployment', object: workload(1, { ...full, updatedReplicas: 0, observedGeneration: 1 }), ready: false },
    { what: 'a ReplicaSet (no updatedReplicas)', kind: 'replicaset', object: workload(1, { replicas: 6, readyReplicas: 6, availableReplicas: 6, observedGeneration: 1 }), ready: true },
    { what: 'counters that are not numbers', kind: 'replicaset', object: workload(1, { replicas: '6', readyReplicas: 6, availableReplicas: 6, observedGeneration: 1 }), ready: false },
  ];
  for (const c of readyCases) {
    it(`judges ${c.what} ${c.ready ? 'ready' : 'not ready'}`, () => {
      assert.equal(allReady(c.kind, 6)(c.object), c.ready);
    });
  }

  const rolloutCases: { what: string; object: Record<string, unknown>; done: boolean }[] = [
    { what: 'the new generation observed, all updated and available', object: workload(2, { ...full, observedGeneration: 2 }), done: true },
    { what: 'the generation the rollout started from', object: workload(1, { ...full, observedGeneration: 1 }), done: false },
    { what: 'the update not yet observed', object: workload(2, { ...full, observedGeneration: 1 }), done: false },
    { what: 'an old replica pending termination', object: workload(2, { ...full, replicas: 7, observedGeneration: 2 }), done: false },
    { what: 'an updated replica not yet available', object: workload(2, { ...full, availableReplicas: 5, observedGeneration: 2 }), done: false },
    { what: 'replicas still to update', object: workload(2, { ...full, updatedReplicas: 4, observedGeneration: 2 }), done: false },
  ];
  for (const c of rolloutCases) {
    it(`judges a rollout with ${c.what} ${c.done ? 'complete' : 'not complete'}`, () => {
      assert.equal(rolledOut(6, 1)(c.object), c.done);
    });
  }

  it('reads a missing generation as 0 and missing counters as undefined', () => {
    assert.deepEqual(view({}), { generation: 0, replicas: undefined, readyReplicas: undefined, availableReplicas: undefined, updatedReplicas: undefined, observedGeneration: undefined });
  });
});
