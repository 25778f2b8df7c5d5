import { strict as assert } from 'node:assert';
import type { KubeObject, OwnerReference } from '../../../../api/meta';
import { classifyOwner, planCollection, withoutFinalizer, withoutOwnerReferences, type ClassifiedOwner, type GcStep, type OwnerState } from '../../../../control-plane/controllers/garbage-collector-plan';

const DELETING = '2025-01-01T00:00:00Z';

function ref(uid: string, blockOwnerDeletion?: boolean): OwnerReference {
  return { apiVersion: 'v1', kind: 'Pod', name: `owner-${uid}`, uid, blockOwnerDeletion };
}

function anObject(uid: string, { refs = [], finalizers, deleting = false }: { refs?: OwnerReference[]; finalizers?: string[]; deleting?: boolean } = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'default', uid, ownerReferences: refs, finalizers, deletionTimestamp: deleting ? DELETING : undefined } };
}

function owners(...states: [string, OwnerState][]): ClassifiedOwner[] {
  return states.map(([uid, state]) => ({ ref: ref(uid), state }));
}

describe('garbage collector plan', () => {
  describe('as a dependent', () => {
    const cases: { name: string; object: KubeObject; owners: ClassifiedOwner[]; dependents?: KubeObject[]; step: GcStep }[] = [
      { name: 'leaves an object without owners', object: anObject('d'), owners: [], step: { op: 'none' } },
      { name: 'leaves an object whose owner exists', object: anObject('d', { refs: [ref('o')] }), owners: owners(['o', 'solid']), step: { op: 'none' } },
      { name: 'deletes in the background an object whose only owner is gone', object: anObject('d', { refs: [ref('o')] }), owners: owners(['o', 'absent']), step: { op: 'delete', propagationPolicy: 'Background' } },
      { name: 'drops the dangling reference of an object with another owner', object: anObject('d'), owners: owners(['o1', 'absent'], ['o2', 'solid']), step: { op: 'dropOwnerReferences', uids: ['o1'] } },
      { name: 'drops the reference to an owner deleting in the foreground when another owner stays', object: anObject('d'), owners: owners(['o1', 'waiting'], ['o2', 'solid']), step: { op: 'dropOwnerReferences', uids: ['o1'] } },
      { name: 'deletes the dependent of an owner deleting in the foreground', object: anObject('d'), owners: owners(['o', 'waiting']), step: { op: 'delete', propagationPolicy: 'Background' } },
      { name: 'deletes in the foreground a dependent that has dependents itself', object: anObject('d'), owners: owners(['o', 'waiting']), dependents: [anObject('g', { refs: [ref('d', true)] })], step: { op: 'delete', propagationPolicy: 'Foreground' } },
      {
        name: 'unblocks its references first when a dependent of it also waits on it in the foreground (a cycle)',
        object: anObject('d'), owners: owners(['o', 'waiting']),
        dependents: [anObject('o', { refs: [ref('d', true)], finalizers: ['foregroundDeletion'], deleting: true })],
        step: { op: 'delete', propagationPolicy: 'Foreground', unblockOwnerReferences: true },
      },
      { name: "honours the collected object's own orphan finalizer", object: anObject('d', { finalizers: ['orphan'] }), owners: owners(['o', 'absent']), step: { op: 'delete', propagationPolicy: 'Orphan' } },
      { name: 'waits for an object already being deleted', object: anObject('d', { deleting: true }), owners: owners(['o', 'absent']), step: { op: 'none' } },
    ];
    for (const c of cases) it(c.name, () => assert.deepEqual(planCollection(c.object, c.owners, c.dependents ?? []), c.step));
  });

  describe('as an owner being deleted', () => {
    const owner = (finalizer: string): KubeObject => anObject('o', { finalizers: [finalizer], deleting: true });
    const cases: { name: string; object: KubeObject; dependents: KubeObject[]; step: GcStep }[] = [
      { name: 'orphans the dependents before removing the orphan finalizer', object: owner('orphan'), dependents: [anObject('d', { refs: [ref('o')] })], step: { op: 'orphanDependents' } },
      { name: 'removes the orphan finalizer once no dependent is left', object: owner('orphan'), dependents: [], step: { op: 'removeFinalizer', finalizer: 'orphan' } },
      { name: 'removes foregroundDeletion once no dependent blocks', object: owner('foregroundDeletion'), dependents: [anObject('d', { refs: [ref('o', false)] })], step: { op: 'removeFinalizer', finalizer: 'foregroundDeletion' } },
      {
        name: 'waits for blocking dependents, looking again at those not being deleted yet',
        object: owner('foregroundDeletion'),
        dependents: [anObject('d1', { refs: [ref('o', true)] }), anObject('d2', { refs: [ref('o', true)], deleting: true }), anObject('d3', { refs: [ref('o')] })],
        step: { op: 'waitForDependents', uids: ['d1', 'd3'] },
      },
      { name: 'does nothing for an object being deleted without a garbage collection finalizer', object: anObject('o', { finalizers: ['x.io/f'], deleting: true }), dependents: [anObject('d', { refs: [ref('o', true)] })], step: { op: 'none' } },
    ];
    for (const c of cases) it(c.name, () => assert.deepEqual(planCollection(c.object, [], c.dependents), c.step));
  });

  it('classifies an owner by uid: a recreated owner of the same name is absent', () => {
    assert.equal(classifyOwner(ref('o'), undefined), 'absent');
    assert.equal(classifyOwner(ref('o'), anObject('other')), 'absent');
    assert.equal(classifyOwner(ref('o'), anObject('o')), 'solid');
    assert.equal(classifyOwner(ref('o'), anObject('o', { finalizers: ['foregroundDeletion'], deleting: true })), 'waiting');
    assert.equal(classifyOwner(ref('o'), anObject('o', { finalizers: ['orphan'], deleting: true })), 'solid');
  });

  it('edits private copies', () => {
    const object = Object.freeze(anObject('d', { refs: [ref('o1'), ref('o2')], finalizers: ['orphan', 'x.io/f'] }));
    assert.deepEqual(withoutOwnerReferences(object, ['o1']).metadata.ownerReferences, [ref('o2')]);
    assert.deepEqual(withoutFinalizer(object, 'orphan').metadata.finalizers, ['x.io/f']);
    assert.equal(object.metadata.ownerReferences?.length, 2);
  });
});
