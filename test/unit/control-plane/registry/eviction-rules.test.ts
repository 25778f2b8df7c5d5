import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../../../api/policy-v1';
import {
  budgetsGuarding, canIgnoreBudgets, decrementBudget, shouldEnforceResourceVersion, unhealthyPodMayGo,
} from '../../../../control-plane/registry/eviction-rules';
import { EVICTION_BY_EVICTION_API, withDisruptionTarget } from '../../../../api/pod-disruption-condition';

const NOW = new Date('2026-12-07T10:00:00Z');

function aPod(phase: Pod['status'] extends infer S ? S extends { phase?: infer P } ? P : never : never, ready = true, deleting = false): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' }, ...(deleting ? { deletionTimestamp: '2026-12-07T09:59:00Z' } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox' }] }, status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function aBudget(status: Partial<PodDisruptionBudgetStatus>, opts: { generation?: number; name?: string; selector?: PodDisruptionBudget['spec'] } = {}): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: opts.name ?? 'web', namespace: 'default', generation: opts.generation ?? 1 },
    spec: opts.selector ?? { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
    status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1, ...status },
  };
}

function refusal(fn: () => unknown): { code: string; message: string; causes: unknown; retry?: number } {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof ApiError) return { code: err.code, message: err.message, causes: err.causes, retry: err.subject.retryAfterSeconds };
    throw err;
  }
  assert.fail('expected a refusal');
}

describe('eviction rules', () => {
  const ignorable: [string, Pod, boolean, boolean][] = [
    ['a running pod asks its budget, deleted only as read', aPod('Running'), false, true],
    ['a pending pod goes without asking, as read', aPod('Pending'), true, true],
    ['a succeeded pod goes without asking', aPod('Succeeded'), true, false],
    ['a failed pod goes without asking', aPod('Failed'), true, false],
    ['a deleting pod goes without asking', aPod('Running', true, true), true, false],
  ];
  for (const [name, pod, ignore, enforce] of ignorable) {
    it(name, () => assert.deepEqual([canIgnoreBudgets(pod), shouldEnforceResourceVersion(pod)], [ignore, enforce]));
  }

  it('finds the budgets whose selector matches the pod, an empty selector matching nothing', () => {
    const budgets = [aBudget({}, { name: 'a' }), aBudget({}, { name: 'b', selector: { selector: {} } }), aBudget({}, { name: 'c', selector: { selector: { matchLabels: { app: 'db' } } } })];
    assert.deepEqual(budgetsGuarding(budgets, aPod('Running')).map((b) => b.metadata.name), ['a']);
  });

  const unhealthy: [string, Pod, PodDisruptionBudget, boolean][] = [
    ['a ready pod always spends the budget', aPod('Running'), aBudget({}), false],
    ['an unready pod goes free while the budget is met', aPod('Running', false), aBudget({ currentHealthy: 2, desiredHealthy: 2 }), true],
    ['an unready pod spends the budget when it is not met (IfHealthyBudget)', aPod('Running', false), aBudget({ currentHealthy: 1, desiredHealthy: 2 }), false],
    ['an unready pod spends the budget when it desires nothing', aPod('Running', false), aBudget({ currentHealthy: 0, desiredHealthy: 0 }), false],
    ['AlwaysAllow lets an unready pod go even when the budget is not met', aPod('Running', false),
      aBudget({ currentHealthy: 0, desiredHealthy: 2 }, { selector: { minAvailable: 2, selector: { matchLabels: { app: 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } }), true],
  ];
  for (const [name, pod, pdb, expected] of unhealthy) it(name, () => assert.equal(unhealthyPodMayGo(pod, pdb), expected));

  it('decrements the budget and records the pod as disrupted', () => {
    const next = decrementBudget(aBudget({ disruptionsAllowed: 2 }), 'web-0', false, NOW);
    assert.equal(next.status?.disruptionsAllowed, 1);
    assert.deepEqual(next.status?.disruptedPods, { 'web-0': '2026-12-07T10:00:00Z' });
    assert.equal(next.status?.conditions, undefined);
  });
  it('turns DisruptionAllowed False/InsufficientPods when it spends the last disruption', () => {
    const next = decrementBudget(aBudget({ disruptionsAllowed: 1 }), 'web-0', false, NOW);
    assert.deepEqual(next.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
  });
  it('records nothing on a dry run', () => {
    assert.equal(decrementBudget(aBudget({}), 'web-0', true, NOW).status?.disruptedPods, undefined);
  });
  it('refuses with 429 and the DisruptionBudget cause when no disruption is allowed', () => {
    assert.deepEqual(refusal(() => decrementBudget(aBudget({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3 }), 'web-0', false, NOW)), {
      code: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget.",
      causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 3 healthy pods and has 3 currently' }], retry: undefined,
    });
  });
  it('asks to retry in 10 s while the budget is not yet processed', () => {
    assert.deepEqual(refusal(() => decrementBudget(aBudget({}, { generation: 2 }), 'web-0', false, NOW)), {
      code: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget.",
      causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }], retry: 10,
    });
  });
  it('forbids a negative budget', () => {
    assert.equal(refusal(() => decrementBudget(aBudget({ disruptionsAllowed: -1 }), 'web-0', false, NOW)).message, 'poddisruptionbudget.policy "web" is forbidden: pdb disruptions allowed is negative');
  });
  it('adds DisruptionTarget once, keeping its transition time', () => {
    const marked = withDisruptionTarget(aPod('Running').status, EVICTION_BY_EVICTION_API, NOW);
    const condition = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-12-07T10:00:00Z', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
    assert.deepEqual(marked?.conditions?.[1], condition);
    assert.equal(withDisruptionTarget(marked, EVICTION_BY_EVICTION_API, new Date('2026-12-07T10:05:00Z')), undefined, 'already there: nothing to write');
  });
});
