import assert from 'node:assert/strict';
import type { StatefulSet } from '../../../../api/apps-v1';
import { defaultStatefulSet } from '../../../../api/defaults/statefulset-defaults';
import { validateStatefulSet, validateStatefulSetUpdate } from '../../../../api/validation/statefulset-validation';
import { aStatefulSet, aTemplate } from '../workload-builders';

const errors = (sts: StatefulSet): string[] => validateStatefulSet(defaultStatefulSet(sts)).map((c) => `${c.field}: ${c.message}`);

describe('validateStatefulSet', () => {
  it('accepts a defaulted StatefulSet, with or without serviceName', () => {
    assert.deepEqual(errors(aStatefulSet()), []);
    assert.deepEqual(errors(aStatefulSet({ serviceName: '' })), []);
  });

  it('names StatefulSets with DNS labels', () => {
    const sts = aStatefulSet();
    sts.metadata.name = 'db.primary';
    assert.deepEqual(errors(sts), ['metadata.name: Invalid value: "db.primary": must not contain dots']);
  });

  it('does not validate the template pod spec, only its apps rules', () => {
    const template = aTemplate({ app: 'web' }, 'Never');
    template.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }];
    assert.deepEqual(errors(aStatefulSet({ template })), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
  });

  it('checks policies, the update strategy and the retention policy', () => {
    const sts = aStatefulSet({
      podManagementPolicy: 'Random' as 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1, maxUnavailable: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' as 'Retain' },
      ordinals: { start: -1 },
    });
    assert.deepEqual(errors(sts), [
      "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
      'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: cannot be 0',
      'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
      'spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('refuses rollingUpdate with OnDelete and an empty selector', () => {
    assert.deepEqual(errors(aStatefulSet({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } })), [
      'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'',
    ]);
    assert.match(errors(aStatefulSet({ selector: {} }))[0], /^spec\.selector: Invalid value: v1\.LabelSelector\{.*\}: empty selector is invalid for statefulset$/);
  });
});

describe('validateStatefulSetUpdate', () => {
  const stored = (): StatefulSet => {
    const sts = defaultStatefulSet(aStatefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' } }] }));
    sts.metadata.resourceVersion = '4';
    return sts;
  };

  it('lets replicas, template, strategy, retention, ordinals and minReadySeconds change', () => {
    const next = stored();
    Object.assign(next.spec, { replicas: 3, minReadySeconds: 5, ordinals: { start: 1 }, updateStrategy: { type: 'OnDelete' } });
    next.spec.template.spec.containers[0].image = 'postgres:17';
    assert.deepEqual(validateStatefulSetUpdate(next, stored()), []);
  });

  it('forbids changing anything else, serviceName and revisionHistoryLimit included', () => {
    for (const patch of [{ serviceName: 'other' }, { revisionHistoryLimit: 3 }, { volumeClaimTemplates: [] }]) {
      const next = Object.assign(stored(), {});
      Object.assign(next.spec, patch);
      assert.deepEqual(validateStatefulSetUpdate(next, stored()).map((c) => c.message), [
        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ], JSON.stringify(patch));
    }
  });
});
