import assert from 'node:assert/strict';
import type { Deployment } from '../../../../api/apps-v1';
import { defaultDeployment } from '../../../../api/defaults/deployment-defaults';
import { validateDeployment, validateDeploymentUpdate } from '../../../../api/validation/deployment-validation';
import { aDeployment, aTemplate } from '../workload-builders';

const errors = (d: Deployment): string[] => validateDeployment(defaultDeployment(d)).map((c) => `${c.field}: ${c.message}`);

describe('validateDeployment', () => {
  it('accepts a defaulted Deployment', () => {
    assert.deepEqual(errors(aDeployment()), []);
  });

  it('requires a selector, and one that selects the template labels', () => {
    assert.deepEqual(errors(aDeployment({ selector: undefined as unknown as Deployment['spec']['selector'] })), [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    assert.deepEqual(errors(aDeployment({ selector: { matchLabels: { app: 'api' } } })), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('refuses an empty selector and invalid selector requirements', () => {
    assert.deepEqual(errors(aDeployment({ selector: {} })), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
    const bad = errors(aDeployment({ selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' }] } }));
    assert.equal(bad[0], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  });

  // Table of ValidateRollingUpdateDeployment's rules.
  const rollingUpdates: [string, Record<string, number | string>, string[]][] = [
    ['both 0', { maxSurge: 0, maxUnavailable: 0 }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']],
    ['both 0%', { maxSurge: '0%', maxUnavailable: '0%' }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0']],
    ['maxUnavailable over 100%', { maxSurge: 1, maxUnavailable: '150%' }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%']],
    ['maxSurge over 100% (allowed)', { maxSurge: '200%', maxUnavailable: 0 }, []],
    ['a negative count', { maxSurge: -1, maxUnavailable: 1 }, ['spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0']],
    ['a string that is not a percentage', { maxSurge: '5', maxUnavailable: 1 }, [
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"5\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]],
  ];
  for (const [name, rollingUpdate, expected] of rollingUpdates) {
    it(`checks a rolling update with ${name}`, () => {
      assert.deepEqual(errors(aDeployment({ strategy: { type: 'RollingUpdate', rollingUpdate } })), expected);
    });
  }

  it('refuses rollingUpdate with Recreate, and unknown strategy types', () => {
    assert.deepEqual(errors(aDeployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } })), [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
    assert.deepEqual(errors(aDeployment({ strategy: { type: 'BlueGreen' as 'Recreate' } })), [
      'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
    ]);
  });

  it('checks counts, history and the progress deadline', () => {
    assert.deepEqual(errors(aDeployment({ replicas: -1, minReadySeconds: -1, revisionHistoryLimit: -1 })), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    ]);
    assert.deepEqual(errors(aDeployment({ minReadySeconds: 600 })), ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds']);
  });

  it('validates the template as a pod that restarts Always, under spec.template', () => {
    assert.deepEqual(errors(aDeployment({ template: aTemplate({ app: 'web' }, 'Never') })), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
    const template = aTemplate();
    template.spec.containers[0].name = 'Web_1';
    template.spec.activeDeadlineSeconds = 10;
    const causes = errors(aDeployment({ template }));
    assert.match(causes[0], /^spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Web_1": a lowercase RFC 1123 label/);
    assert.equal(causes.at(-1), 'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported');
  });
});

describe('validateDeploymentUpdate', () => {
  const stored = (): Deployment => {
    const d = defaultDeployment(aDeployment());
    d.metadata.resourceVersion = '7';
    return d;
  };

  it('lets the template and replicas change', () => {
    const next = stored();
    next.spec.replicas = 5;
    next.spec.template.spec.containers[0].image = 'nginx:1.28';
    assert.deepEqual(validateDeploymentUpdate(next, stored()), []);
  });

  it('refuses a changed selector', () => {
    const next = stored();
    next.spec.selector = { matchLabels: { app: 'web', tier: 'front' } };
    next.spec.template.metadata = { labels: { app: 'web', tier: 'front' } };
    assert.deepEqual(validateDeploymentUpdate(next, stored()).map((c) => `${c.field}: ${c.message}`), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });
});
