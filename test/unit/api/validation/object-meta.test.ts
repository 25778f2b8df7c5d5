import assert from 'node:assert/strict';
import { nameIsDNSSubdomain } from '../../../../api/validation/names';
import { TOTAL_ANNOTATION_SIZE_LIMIT, validateObjectMeta, validateObjectMetaUpdate } from '../../../../api/validation/object-meta';

const brief = (causes: { field: string; reason: string; message: string }[]): string[] => causes.map((c) => `${c.field} ${c.reason} ${c.message}`);

describe('validateObjectMeta', () => {
  it('accepts a well-formed namespaced object', () => {
    assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'example.com/x': 'y' } }, true, nameIsDNSSubdomain), []);
  });

  it('requires a name unless generateName was used', () => {
    assert.deepEqual(brief(validateObjectMeta({ namespace: 'default' }, true, nameIsDNSSubdomain)), [
      'metadata.name FieldValueRequired Required value: name or generateName is required',
    ]);
  });

  it('checks the name and generateName against the kind rule', () => {
    const causes = validateObjectMeta({ name: 'Web', generateName: 'Web-', namespace: 'default' }, true, nameIsDNSSubdomain);
    assert.deepEqual(causes.map((c) => c.field), ['metadata.generateName', 'metadata.name']);
    assert.match(causes[1].message, /^Invalid value: "Web": a lowercase RFC 1123 subdomain/);
  });

  it('requires a namespace for namespaced kinds and forbids it otherwise', () => {
    assert.deepEqual(brief(validateObjectMeta({ name: 'a' }, true, nameIsDNSSubdomain)), ['metadata.namespace FieldValueRequired Required value']);
    assert.deepEqual(brief(validateObjectMeta({ name: 'a', namespace: 'x' }, false, nameIsDNSSubdomain)), [
      'metadata.namespace FieldValueForbidden Forbidden: not allowed on this type',
    ]);
  });

  it('reports bad label keys and values at metadata.labels', () => {
    const causes = validateObjectMeta({ name: 'a', namespace: 'd', labels: { 'bad key': 'v', ok: 'bad value' } }, true, nameIsDNSSubdomain);
    assert.deepEqual(causes.map((c) => c.field), ['metadata.labels', 'metadata.labels']);
    assert.match(causes[0].message, /^Invalid value: "bad key": name part must consist of/);
    assert.match(causes[1].message, /^Invalid value: "bad value": a valid label must be an empty string/);
  });

  it('caps the total annotation size at 256 KiB', () => {
    const big = 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT);
    assert.deepEqual(brief(validateObjectMeta({ name: 'a', namespace: 'd', annotations: { k: big } }, true, nameIsDNSSubdomain)), [
      'metadata.annotations FieldValueTooLong Too long: may not be more than 262144 bytes',
    ]);
  });

  it('rejects owner references without uid and two controllers', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '', controller: true };
    const causes = validateObjectMeta({ name: 'a', namespace: 'd', ownerReferences: [owner, { ...owner, name: 'rs2', uid: 'u' }] }, true, nameIsDNSSubdomain);
    assert.deepEqual(causes.map((c) => c.field), ['metadata.ownerReferences.uid', 'metadata.ownerReferences']);
    assert.match(causes[1].message, /Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and ReplicaSet\/rs2$/);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = { name: 'a', namespace: 'd', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z' };

  it('accepts a label change', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: 'y' } }, old), []);
  });

  it('keeps identity fields immutable and requires a resourceVersion', () => {
    assert.deepEqual(brief(validateObjectMetaUpdate({ ...old, uid: 'u2', resourceVersion: '' }, old)), [
      'metadata.resourceVersion FieldValueInvalid Invalid value: "": must be specified for an update',
      'metadata.uid FieldValueInvalid Invalid value: "u2": field is immutable',
    ]);
  });

  it('forbids new finalizers while deleting', () => {
    const deleting = { ...old, deletionTimestamp: '2024-01-02T00:00:00Z', finalizers: ['a/b'] };
    const causes = validateObjectMetaUpdate({ ...deleting, finalizers: ['a/b', 'c/d'] }, deleting);
    assert.deepEqual(brief(causes), ['metadata.finalizers FieldValueForbidden Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"c/d"}']);
  });
});
