import assert from 'node:assert/strict';
import type { ReplicaSet } from '../../../../api/apps-v1';
import { defaultReplicaSet } from '../../../../api/defaults/replicaset-defaults';
import { validateReplicaSet, validateReplicaSetUpdate } from '../../../../api/validation/replicaset-validation';
import { aReplicaSet } from '../workload-builders';

const errors = (rs: ReplicaSet): string[] => validateReplicaSet(defaultReplicaSet(rs)).map((c) => `${c.field}: ${c.message}`);

describe('validateReplicaSet', () => {
  it('accepts a defaulted ReplicaSet', () => {
    assert.deepEqual(errors(aReplicaSet()), []);
  });

  it('reports an empty selector with the message Kubernetes shares with Deployments', () => {
    assert.deepEqual(errors(aReplicaSet({ selector: {} })), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('refuses a ReplicaSet without a template: a pod needs containers', () => {
    assert.deepEqual(errors(aReplicaSet({ template: undefined })), [
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
      'spec.template.spec.containers: Required value',
    ]);
  });

  it('checks replicas and minReadySeconds', () => {
    assert.deepEqual(errors(aReplicaSet({ replicas: -2, minReadySeconds: -1 })), [
      'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
      'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('keeps the selector immutable on update', () => {
    const old = defaultReplicaSet(aReplicaSet());
    old.metadata.resourceVersion = '3';
    const next = structuredClone(old);
    next.spec.selector = { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'Exists' }] };
    assert.deepEqual(validateReplicaSetUpdate(next, old).map((c) => c.message), [
      'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Exists", Values:[]string(nil)}}}: field is immutable',
    ]);
  });
});
