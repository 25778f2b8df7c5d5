import { strict as assert } from 'node:assert';
import type { Namespace, Pod } from '../../../../api/core-v1';
import { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { checkPreconditions, planDeletion, readyToRemove, type DeletionPlan } from '../../../../control-plane/registry/deletion';
import { namespaceStrategy } from '../../../../control-plane/registry/kinds/namespace';
import { podStrategy } from '../../../../control-plane/registry/kinds/pod';
import { PODS } from '../../../../control-plane/registry/kinds';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../../../../control-plane/registry/default-strategy';

const NOW = new Date('2025-01-01T00:00:00Z');

/** The object a 'mark' plan writes. */
function marked<T>(plan: DeletionPlan): T {
  assert.equal(plan.action, 'mark');
  return (plan as { object: unknown }).object as T;
}

function aPod(nodeName?: string, extra: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '5' }, spec: { containers: [{ name: 'c', image: 'i' }], nodeName, ...extra }, status: { phase: 'Running' } };
}

describe('deletion', () => {
  it('removes an unscheduled pod at once', () => {
    assert.deepEqual(planDeletion(aPod(), podStrategy, {}, NOW), { action: 'remove' });
  });

  it("marks a pod on a node with its terminationGracePeriodSeconds and keeps it", () => {
    const meta = marked<Pod>(planDeletion(aPod('pi1', { terminationGracePeriodSeconds: 10 }), podStrategy, {}, NOW)).metadata;
    assert.equal(meta.deletionTimestamp, '2025-01-01T00:00:10Z');
    assert.equal(meta.deletionGracePeriodSeconds, 10);
  });

  it('prefers the grace period of the request, and 0 removes at once', () => {
    assert.equal(marked<Pod>(planDeletion(aPod('pi1'), podStrategy, { gracePeriodSeconds: 3 }, NOW)).metadata.deletionGracePeriodSeconds, 3);
    assert.deepEqual(planDeletion(aPod('pi1'), podStrategy, { gracePeriodSeconds: 0 }, NOW), { action: 'remove' });
  });

  it('removes a finished pod at once even on a node', () => {
    const pod = aPod('pi1');
    pod.status = { phase: 'Succeeded' };
    assert.deepEqual(planDeletion(pod, podStrategy, {}, NOW), { action: 'remove' });
  });

  it('only shortens the grace period of an object already being deleted', () => {
    const pod = aPod('pi1');
    Object.assign(pod.metadata, { deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 });
    assert.deepEqual(planDeletion(pod, podStrategy, { gracePeriodSeconds: 60 }, NOW), { action: 'keep' });
    assert.equal(planDeletion(pod, podStrategy, { gracePeriodSeconds: 5 }, NOW).action, 'mark');
  });

  it('keeps an object with finalizers, marked with grace 0, until they are gone', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['example.com/x'] } };
    const strategy = defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });
    const object = marked<KubeObject>(planDeletion(cm, strategy, {}, NOW));
    assert.equal(object.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(readyToRemove(object, strategy), false);
    object.metadata.finalizers = [];
    assert.equal(readyToRemove(object, strategy), true);
  });

  it('turns a namespace Terminating and keeps it for the kubernetes finalizer', () => {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 't1' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    const object = marked<Namespace>(planDeletion(ns, namespaceStrategy, {}, NOW));
    assert.equal(object.status?.phase, 'Terminating');
    assert.ok(object.metadata.deletionTimestamp);
  });

  it('refuses to delete the immortal namespaces', () => {
    const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } };
    assert.throws(() => namespaceStrategy.checkDelete(ns), (err: ApiError) => err.code === 'Forbidden' && err.message === 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });

  it('fails a uid precondition with a Conflict naming both uids', () => {
    assert.throws(() => checkPreconditions(PODS, aPod(), { preconditions: { uid: 'other' } }), (err: ApiError) =>
      err.code === 'Conflict' && err.message === 'Operation cannot be fulfilled on pods "p": Precondition failed: UID in precondition: other, UID in object meta: u1');
  });
});
