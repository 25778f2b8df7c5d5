import assert from 'node:assert/strict';
import type { DaemonSet } from '../../../../api/apps-v1';
import { defaultDaemonSet } from '../../../../api/defaults/daemonset-defaults';
import { validateDaemonSet, validateDaemonSetUpdate } from '../../../../api/validation/daemonset-validation';
import { aDaemonSet, aTemplate } from '../workload-builders';

const errors = (ds: DaemonSet): string[] => validateDaemonSet(defaultDaemonSet(ds)).map((c) => `${c.field}: ${c.message}`);

describe('validateDaemonSet', () => {
  it('accepts a defaulted DaemonSet', () => {
    assert.deepEqual(errors(aDaemonSet()), []);
  });

  it('reports an unset selector only as not matching the template, as Kubernetes does', () => {
    assert.deepEqual(errors(aDaemonSet({ selector: undefined as unknown as DaemonSet['spec']['selector'] })), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  // ValidateRollingUpdateDaemonSet: exactly one of maxSurge and maxUnavailable is non-zero.
  const rollingUpdates: [string, Record<string, number | string>, string[]][] = [
    ['surge only', { maxSurge: '10%', maxUnavailable: 0 }, []],
    ['both non-zero', { maxSurge: 1, maxUnavailable: 1 }, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero']],
    ['both zero', { maxSurge: 0, maxUnavailable: '0%' }, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    ['maxSurge over 100%', { maxSurge: '101%', maxUnavailable: 0 }, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"101%"}: must not be greater than 100%']],
  ];
  for (const [name, rollingUpdate, expected] of rollingUpdates) {
    it(`checks a rolling update with ${name}`, () => {
      assert.deepEqual(errors(aDaemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate } })), expected);
    });
  }

  it('requires restartPolicy Always in the template', () => {
    assert.deepEqual(errors(aDaemonSet({ template: aTemplate({ app: 'web' }, 'OnFailure') })), [
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('keeps the selector immutable on update', () => {
    const old = defaultDaemonSet(aDaemonSet());
    old.metadata.resourceVersion = '1';
    const next = structuredClone(old);
    next.spec.selector = { matchLabels: { app: 'web', v: '2' } };
    next.spec.template.metadata = { labels: { app: 'web', v: '2' } };
    assert.deepEqual(validateDaemonSetUpdate(next, old).map((c) => c.field), ['spec.selector']);
  });
});
