import assert from 'node:assert/strict';
import { validateNamespace } from '../../../../api/validation/namespace-validation';
import { brief } from './pod-builder';

describe('validateNamespace', () => {
  it('accepts a DNS-1123 label name with the kubernetes finalizer', () => {
    assert.deepEqual(validateNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' }, spec: { finalizers: ['kubernetes'] } }), []);
  });

  it('rejects dotted names', () => {
    assert.deepEqual(brief(validateNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'my.shop' } })), [
      'metadata.name FieldValueInvalid Invalid value: "my.shop": must not contain dots',
    ]);
  });

  it('rejects unknown unqualified finalizers', () => {
    assert.deepEqual(brief(validateNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { finalizers: ['mine', 'example.com/mine'] } })), [
      'spec.finalizers FieldValueInvalid Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});
