import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../../../api/validation/validate-object';
import { aPod } from './pod-builder';

describe('validateObject', () => {
  it('dispatches pods to pod validation', () => {
    assert.deepEqual(validateObject('pods', aPod().build(), true), []);
    const bad = aPod().withContainer({ image: '' }).build();
    assert.deepEqual(validateObject('pods', bad, true).map((c) => c.field), ['spec.containers[0].image']);
  });

  it('checks only metadata for other resources, with the kind name rule', () => {
    assert.deepEqual(validateObject('configmaps', { metadata: { name: 'my.config', namespace: 'd' } }, true), []);
    assert.deepEqual(validateObject('services', { metadata: { name: 'my.svc', namespace: 'd' } }, true).map((c) => c.field), ['metadata.name']);
    assert.deepEqual(validateObject('clusterroles', { metadata: { name: 'admin', namespace: 'd' } }, false).map((c) => c.reason), ['FieldValueForbidden']);
  });

  it('dispatches nodes, namespaces and events', () => {
    assert.equal(validateObject('nodes', { metadata: { name: 'Bad Name' } }, false).length, 1);
    assert.equal(validateObject('namespaces', { metadata: { name: 'a.b' } }, false).length, 1);
    assert.equal(validateObject('events', { metadata: { name: 'e', namespace: 'x' }, involvedObject: { namespace: 'y' } }, true).length, 1);
  });
});

describe('validateObjectUpdate', () => {
  it('checks metadata immutability for any resource', () => {
    const old = { metadata: { name: 'c', namespace: 'd', uid: 'u', resourceVersion: '1' } };
    assert.deepEqual(validateObjectUpdate('configmaps', { metadata: { ...old.metadata, uid: 'v' } }, old, true).map((c) => c.field), ['metadata.uid']);
  });

  it('applies pod spec immutability', () => {
    const old = aPod().build();
    const next = structuredClone(old);
    next.spec.restartPolicy = 'Never';
    assert.deepEqual(validateObjectUpdate('pods', next, old, true).map((c) => c.reason), ['FieldValueForbidden']);
  });
});
