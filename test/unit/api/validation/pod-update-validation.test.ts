import assert from 'node:assert/strict';
import { UPDATABLE_POD_SPEC_FIELDS, validatePodUpdate } from '../../../../api/validation/pod-update-validation';
import { aPod, brief } from './pod-builder';

const MESSAGE_PREFIX =
  'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n';

describe('validatePodUpdate', () => {
  const old = aPod().withSpec({ activeDeadlineSeconds: 100 }).build();

  it('allows changing a container image', () => {
    const next = structuredClone(old);
    next.spec.containers[0].image = 'busybox:1.37';
    assert.deepEqual(validatePodUpdate(next, old), []);
  });

  it('allows lowering activeDeadlineSeconds but not raising or removing it', () => {
    const lower = structuredClone(old);
    lower.spec.activeDeadlineSeconds = 50;
    assert.deepEqual(validatePodUpdate(lower, old), []);
    const higher = structuredClone(old);
    higher.spec.activeDeadlineSeconds = 200;
    assert.deepEqual(brief(validatePodUpdate(higher, old)), ['spec.activeDeadlineSeconds FieldValueInvalid Invalid value: 200: must be less than or equal to previous value']);
    const removed = structuredClone(old);
    delete removed.spec.activeDeadlineSeconds;
    assert.deepEqual(brief(validatePodUpdate(removed, old)), ['spec.activeDeadlineSeconds FieldValueInvalid Invalid value: "null": must not update from a positive integer to nil value']);
  });

  it('allows adding tolerations and changing tolerationSeconds only', () => {
    const added = structuredClone(old);
    added.spec.tolerations = [...(old.spec.tolerations ?? []), { key: 'x', operator: 'Exists' }];
    added.spec.tolerations[0] = { ...added.spec.tolerations[0], tolerationSeconds: 60 };
    assert.deepEqual(validatePodUpdate(added, old), []);
    const removed = structuredClone(old);
    removed.spec.tolerations = [];
    assert.deepEqual(brief(validatePodUpdate(removed, old)), ['spec.tolerations FieldValueForbidden Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  it('forbids changing any other spec field, with the Kubernetes message and a diff', () => {
    const next = structuredClone(old);
    next.spec.containers[0].ports = [{ containerPort: 8080, protocol: 'TCP' }];
    const causes = validatePodUpdate(next, old);
    assert.equal(causes.length, 1);
    assert.equal(causes[0].field, 'spec');
    assert.equal(causes[0].reason, 'FieldValueForbidden');
    assert.ok(causes[0].message.startsWith(MESSAGE_PREFIX), causes[0].message);
    assert.match(causes[0].message, /spec\.containers\[0\]\.ports/);
    assert.equal(UPDATABLE_POD_SPEC_FIELDS.length, 5);
  });

  it('forbids adding or removing containers', () => {
    const next = aPod().withContainer({ name: 'sidecar', image: 'busybox' }, 1).withSpec({ activeDeadlineSeconds: 100 }).build();
    assert.deepEqual(brief(validatePodUpdate(next, old)), ['spec.containers FieldValueForbidden Forbidden: pod updates may not add or remove containers']);
  });

  it('requires an image on update', () => {
    const next = structuredClone(old);
    next.spec.containers[0].image = '';
    assert.ok(brief(validatePodUpdate(next, old)).includes('spec.containers[0].image FieldValueRequired Required value'));
  });

  it('allows terminationGracePeriodSeconds to go from negative to 1', () => {
    const negative = structuredClone(old);
    negative.spec.terminationGracePeriodSeconds = -1;
    const next = structuredClone(old);
    next.spec.terminationGracePeriodSeconds = 1;
    assert.deepEqual(validatePodUpdate(next, negative), []);
  });

  it('keeps metadata identity immutable', () => {
    const next = structuredClone(old);
    next.metadata.uid = 'other';
    assert.deepEqual(brief(validatePodUpdate(next, old)), ['metadata.uid FieldValueInvalid Invalid value: "other": field is immutable']);
  });

  it('accepts a label-only update', () => {
    const next = structuredClone(old);
    next.metadata.labels = { app: 'web' };
    assert.deepEqual(validatePodUpdate(next, old), []);
  });
});
