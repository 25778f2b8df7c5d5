import assert from 'node:assert/strict';
import { findMatchingVolume, volumeRefusesClaim } from '../../../../control-plane/storage/volume-match';
import { aClaim, aNode, aVolume, onHost } from './volume-builders';

describe('matching a claim to a PersistentVolume (findMatchingVolume)', () => {
  const immediate = { delayBinding: false };
  const cases: { name: string; claim: ReturnType<typeof aClaim>; volumes: ReturnType<typeof aVolume>[]; options?: Parameters<typeof findMatchingVolume>[2]; want: string | undefined }[] = [
    { name: 'takes the smallest volume that is large enough', claim: aClaim('c', { resources: { requests: { storage: '2Gi' } } }),
      volumes: [aVolume('big', { capacity: { storage: '10Gi' } }), aVolume('small', { capacity: { storage: '1Gi' } }), aVolume('fit', { capacity: { storage: '3Gi' } })], want: 'fit' },
    { name: 'skips a volume of another class', claim: aClaim('c'), volumes: [aVolume('other', { storageClassName: 'fast' })], want: undefined },
    { name: 'a claim with class "" takes only volumes without a class', claim: aClaim('c', { storageClassName: '' }),
      volumes: [aVolume('classed'), aVolume('plain', { storageClassName: undefined })], want: 'plain' },
    { name: 'skips a volume whose access modes lack the claim\'s', claim: aClaim('c', { accessModes: ['ReadWriteMany'] }), volumes: [aVolume('rwo')], want: undefined },
    { name: 'prefers the volume with fewer access modes', claim: aClaim('c'),
      volumes: [aVolume('many', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], capacity: { storage: '1Gi' } }), aVolume('one', { capacity: { storage: '5Gi' } })], want: 'one' },
    { name: 'skips a volume bound to another claim', claim: aClaim('c'), volumes: [aVolume('taken', { claimRef: { namespace: 'default', name: 'other', uid: 'u' } })], want: undefined },
    { name: 'takes a volume pre-bound to the claim whatever its class', claim: aClaim('c'),
      volumes: [aVolume('free'), aVolume('mine', { storageClassName: 'fast', claimRef: { namespace: 'default', name: 'c' } })], want: 'mine' },
    { name: 'skips a volume being deleted', claim: aClaim('c'), volumes: [{ ...aVolume('going'), metadata: { name: 'going', deletionTimestamp: '2026-01-01T00:00:00Z' } }], want: undefined },
    { name: 'applies the claim\'s selector to the volume\'s labels', claim: aClaim('c', { selector: { matchLabels: { tier: 'db' } } }),
      volumes: [aVolume('web', {}, { tier: 'web' }), aVolume('db', {}, { tier: 'db' })], want: 'db' },
    { name: 'skips a Block volume for a Filesystem claim', claim: aClaim('c'), volumes: [aVolume('block', { volumeMode: 'Block' })], want: undefined },
    { name: 'with delayed binding and no node, only pre-bound volumes match', claim: aClaim('c'), volumes: [aVolume('free')], options: { delayBinding: true }, want: undefined },
    { name: 'with a node, skips volumes pinned to another node', claim: aClaim('c'),
      volumes: [aVolume('there', { nodeAffinity: onHost('pi2') }), aVolume('here', { nodeAffinity: onHost('pi1'), capacity: { storage: '5Gi' } })],
      options: { delayBinding: true, node: aNode('pi1') }, want: 'here' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(findMatchingVolume(c.claim, c.volumes, c.options ?? immediate)?.metadata.name, c.want));
  }

  it('says why a requested volume cannot take a claim', () => {
    assert.equal(volumeRefusesClaim(aVolume('v', { capacity: { storage: '500Mi' } }), aClaim('c')), 'requested PV is too small');
    assert.equal(volumeRefusesClaim(aVolume('v', { storageClassName: 'fast' }), aClaim('c')), 'storageClassName does not match');
    assert.equal(volumeRefusesClaim(aVolume('v', { accessModes: ['ReadOnlyMany'] }), aClaim('c')), 'incompatible accessMode');
    assert.equal(volumeRefusesClaim(aVolume('v'), aClaim('c')), undefined);
  });
});
