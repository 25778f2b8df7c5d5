import assert from 'node:assert/strict';
import type { PodDisruptionBudget } from '../../../../api/policy-v1';
import { validatePodDisruptionBudget } from '../../../../api/validation/poddisruptionbudget-validation';
import { validateScale } from '../../../../api/validation/scale-validation';
import { aPdb } from '../workload-builders';

const errors = (pdb: PodDisruptionBudget): string[] => validatePodDisruptionBudget(pdb).map((c) => `${c.field}: ${c.message}`);

describe('validatePodDisruptionBudget', () => {
  const cases: [string, PodDisruptionBudget['spec'], string[]][] = [
    ['minAvailable as a count', { minAvailable: 2 }, []],
    ['maxUnavailable as a percentage', { maxUnavailable: '30%' }, []],
    ['neither (a selector-only budget)', {}, []],
    ['both set', { minAvailable: 1, maxUnavailable: 1 }, ['spec: Invalid value: {"selector":{"matchLabels":{"app":"web"}},"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set']],
    ['a negative count', { minAvailable: -1 }, ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    ['more than 100%', { maxUnavailable: '120%' }, ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%']],
    ['an unknown eviction policy', { unhealthyPodEvictionPolicy: 'Never' as 'AlwaysAllow' }, ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"']],
  ];
  for (const [name, spec, expected] of cases) {
    it(`checks ${name}`, () => {
      assert.deepEqual(errors(aPdb(spec)), expected);
    });
  }
});

describe('validateScale', () => {
  it('requires non-negative replicas', () => {
    const scale = { apiVersion: 'autoscaling/v1' as const, kind: 'Scale' as const, metadata: { name: 'web', namespace: 'default' }, spec: { replicas: -1 } };
    assert.deepEqual(validateScale(scale).map((c) => `${c.field}: ${c.message}`), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  });
});
