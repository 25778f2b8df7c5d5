import assert from 'node:assert/strict';
import type { OwnerReference } from '../../../api/meta';
import type { Pod, Volume } from '../../../api/core-v1';
import { atMostOneReason, claimAccessModes, type ClaimAccessModes } from '../../../api/at-most-one';

function aPod(owner?: Partial<OwnerReference>, volumes: Volume[] = []): Pod {
  const ownerReferences = owner ? [{ apiVersion: 'apps/v1', name: 'web', uid: 'u1', controller: true, kind: 'StatefulSet', ...owner }] : undefined;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ownerReferences }, spec: { containers: [{ name: 'c', image: 'i' }], volumes } };
}

const claim = (claimName: string): Volume => ({ name: claimName, persistentVolumeClaim: { claimName } });
const modes: ClaimAccessModes = (namespace, name) => ({ 'ns/rwo': ['ReadWriteOnce'], 'ns/rwop': ['ReadWriteOncePod'], 'ns/rwx': ['ReadWriteMany'], 'ns/rox': ['ReadOnlyMany'], 'ns/both': ['ReadWriteMany', 'ReadWriteOnce'] } as Record<string, string[]>)[`${namespace}/${name}`];

describe('atMostOneReason', () => {
  const cases: [string, Pod, ClaimAccessModes | undefined, string | undefined][] = [
    ['a StatefulSet pod', aPod({}), undefined, 'StatefulSet'],
    ['a ReplicaSet pod', aPod({ kind: 'ReplicaSet' }), undefined, undefined],
    ['a pod a StatefulSet owns without being its controller', aPod({ controller: false }), undefined, undefined],
    ['a pod owned by a StatefulSet of another group', aPod({ apiVersion: 'example.com/v1' }), undefined, undefined],
    ['a bare pod with no volume', aPod(undefined), undefined, undefined],
    ['a pod with an emptyDir', aPod(undefined, [{ name: 'scratch', emptyDir: {} }]), modes, undefined],
    ['a pod with a ReadWriteOnce claim', aPod({ kind: 'ReplicaSet' }, [claim('rwo')]), modes, 'ReadWriteOnceVolume'],
    ['a pod with a ReadWriteOncePod claim', aPod(undefined, [claim('rwop')]), modes, 'ReadWriteOnceVolume'],
    ['a pod with a ReadWriteMany claim', aPod(undefined, [claim('rwx')]), modes, undefined],
    ['a pod with a ReadOnlyMany claim', aPod(undefined, [claim('rox')]), modes, undefined],
    ['a claim that allows ReadWriteOnce among others', aPod(undefined, [claim('both')]), modes, 'ReadWriteOnceVolume'],
    ['a claim not known (the agent never sees claims)', aPod(undefined, [claim('rwx')]), undefined, 'ReadWriteOnceVolume'],
    ['a claim missing from the cache', aPod(undefined, [claim('gone')]), modes, 'ReadWriteOnceVolume'],
  ];
  for (const [what, pod, accessModesOf, expected] of cases) {
    it(`${what} → ${expected ?? 'replaceable'}`, () => assert.equal(atMostOneReason(pod, accessModesOf), expected));
  }
});

describe('claimAccessModes', () => {
  it('prefers the bound status over the spec, and says nothing of a missing claim', () => {
    assert.deepEqual(claimAccessModes({ metadata: {}, spec: { accessModes: ['ReadWriteOnce'] } }), ['ReadWriteOnce']);
    assert.deepEqual(claimAccessModes({ metadata: {}, spec: { accessModes: ['ReadWriteOnce'] }, status: { accessModes: ['ReadWriteMany'] } }), ['ReadWriteMany']);
    assert.equal(claimAccessModes(undefined), undefined);
  });
});
