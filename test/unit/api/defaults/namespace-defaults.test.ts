import assert from 'node:assert/strict';
import { defaultNamespace, namespaceForCreate } from '../../../../api/defaults/namespace-defaults';

describe('namespace defaults', () => {
  it('adds the metadata.name label and the Active phase', () => {
    const ns = defaultNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } });
    assert.deepEqual(ns.metadata.labels, { team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    assert.equal(ns.status?.phase, 'Active');
  });

  it('adds the kubernetes finalizer on create without duplicating it', () => {
    assert.deepEqual(namespaceForCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }).spec?.finalizers, ['kubernetes']);
    assert.deepEqual(namespaceForCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { finalizers: ['example.com/x'] } }).spec?.finalizers, ['example.com/x', 'kubernetes']);
    assert.deepEqual(namespaceForCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { finalizers: ['kubernetes'] } }).spec?.finalizers, ['kubernetes']);
  });

  it('resets the status to Active on create', () => {
    assert.deepEqual(namespaceForCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, status: { phase: 'Terminating' } }).status, { phase: 'Active' });
  });
});
