import { strict as assert } from 'node:assert';
import type { Pod } from '../../../../api/core-v1';
import type { ApiError } from '../../../../api/errors';
import type { KubeObject } from '../../../../api/meta';
import { finalizersOnDelete, type GarbageCollectionPolicy } from '../../../../control-plane/registry/dependents-policy';
import { planDeletion, readyToRemove, validateDeleteOptions, type DeletionPlan } from '../../../../control-plane/registry/deletion';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../../../../control-plane/registry/default-strategy';
import { eventStrategy } from '../../../../control-plane/registry/kinds/event';
import { podStrategy } from '../../../../control-plane/registry/kinds/pod';
import type { DeleteOptions } from '../../../../control-plane/registry/strategy';

const NOW = new Date('2025-01-01T00:00:00Z');
const plain = defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function anObject(finalizers?: string[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Thing', metadata: { name: 't', namespace: 'default', uid: 'u1', resourceVersion: '3', finalizers } };
}

function marked(plan: DeletionPlan): KubeObject {
  assert.equal(plan.action, 'mark');
  return (plan as { object: KubeObject }).object;
}

describe('dependents policy on DELETE', () => {
  const cases: { name: string; finalizers?: string[]; policy: GarbageCollectionPolicy; options: DeleteOptions; expected: string[] }[] = [
    { name: 'Background adds nothing', policy: 'DeleteDependents', options: { propagationPolicy: 'Background' }, expected: [] },
    { name: 'no policy: the kind default DeleteDependents is Background', policy: 'DeleteDependents', options: {}, expected: [] },
    { name: 'Foreground adds foregroundDeletion', policy: 'DeleteDependents', options: { propagationPolicy: 'Foreground' }, expected: ['foregroundDeletion'] },
    { name: 'Orphan adds orphan', policy: 'DeleteDependents', options: { propagationPolicy: 'Orphan' }, expected: ['orphan'] },
    { name: 'no policy: the kind default OrphanDependents orphans', policy: 'OrphanDependents', options: {}, expected: ['orphan'] },
    { name: 'no policy: a finalizer on the object decides', finalizers: ['x.io/f', 'foregroundDeletion'], policy: 'OrphanDependents', options: {}, expected: ['x.io/f', 'foregroundDeletion'] },
    { name: 'the request replaces a garbage collection finalizer', finalizers: ['foregroundDeletion', 'x.io/f'], policy: 'DeleteDependents', options: { propagationPolicy: 'Orphan' }, expected: ['x.io/f', 'orphan'] },
    { name: 'Background removes foregroundDeletion', finalizers: ['foregroundDeletion'], policy: 'DeleteDependents', options: { propagationPolicy: 'Background' }, expected: [] },
    { name: 'the deprecated orphanDependents=true orphans', policy: 'DeleteDependents', options: { orphanDependents: true }, expected: ['orphan'] },
    { name: 'orphanDependents=false removes a garbage collection finalizer', finalizers: ['orphan'], policy: 'OrphanDependents', options: { orphanDependents: false }, expected: [] },
    { name: 'Unsupported kinds get neither finalizer', policy: 'Unsupported', options: { propagationPolicy: 'Foreground' }, expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(finalizersOnDelete(anObject(c.finalizers), c.policy, c.options), c.expected));
  }

  it('refuses orphanDependents with a propagationPolicy (422 on propagationPolicy)', () => {
    assert.throws(() => validateDeleteOptions({ orphanDependents: true, propagationPolicy: 'Foreground' }), (err: ApiError) =>
      err.code === 'Invalid' && err.causes?.[0]?.field === 'propagationPolicy' && /cannot be both set/.test(err.message));
  });

  it('marks an object deleted in the foreground and keeps it until the finalizer goes', () => {
    const object = marked(planDeletion(anObject(), plain, { propagationPolicy: 'Foreground' }, NOW));
    assert.deepEqual(object.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(object.metadata.deletionTimestamp, '2025-01-01T00:00:00Z');
    assert.equal(object.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(readyToRemove(object, plain), false);
  });

  it('removes at once an object deleted in the background', () => {
    assert.deepEqual(planDeletion(anObject(), plain, { propagationPolicy: 'Background' }, NOW), { action: 'remove' });
  });

  it('removes an event at once whatever the policy', () => {
    const event = { ...anObject(), kind: 'Event', involvedObject: {} };
    assert.deepEqual(planDeletion(event, eventStrategy, { propagationPolicy: 'Orphan' }, NOW), { action: 'remove' });
  });

  it('lets a later DELETE change the policy of an object kept by finalizers, keeping its deletionTimestamp', () => {
    const first = marked(planDeletion(anObject(['x.io/f']), plain, {}, NOW));
    const later = new Date(NOW.getTime() + 60_000);
    const second = marked(planDeletion(first, plain, { propagationPolicy: 'Orphan' }, later));
    assert.deepEqual(second.metadata.finalizers, ['x.io/f', 'orphan']);
    assert.equal(second.metadata.deletionTimestamp, first.metadata.deletionTimestamp);
    assert.deepEqual(planDeletion(second, plain, { propagationPolicy: 'Orphan' }, later), { action: 'keep' });
  });

  it('removes an object whose only finalizer a Background DELETE drops', () => {
    const foreground = marked(planDeletion(anObject(), plain, { propagationPolicy: 'Foreground' }, NOW));
    assert.deepEqual(planDeletion(foreground, plain, { propagationPolicy: 'Background' }, NOW), { action: 'remove' });
  });

  it('changes no finalizer while a graceful deletion is pending', () => {
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u', deletionTimestamp: '2025-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 }, spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'pi1' }, status: { phase: 'Running' } };
    assert.deepEqual(planDeletion(pod, podStrategy, { propagationPolicy: 'Foreground' }, NOW), { action: 'keep' });
  });

  it('keeps a pod deleted in the foreground after its grace period ends, until the finalizer goes', () => {
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'pi1' }, status: { phase: 'Running' } };
    const graceful = marked(planDeletion(pod, podStrategy, { propagationPolicy: 'Foreground' }, NOW));
    assert.equal(graceful.metadata.deletionGracePeriodSeconds, 30);
    const stopped = marked(planDeletion(graceful, podStrategy, { gracePeriodSeconds: 0 }, NOW));
    assert.deepEqual(stopped.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(stopped.metadata.deletionGracePeriodSeconds, 0);
  });
});
