import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { claimFinalizersAfter, volumeFinalizersAfter } from '../../../../control-plane/controllers/volume-protection-plan';
import { aClaim, aVolume } from '../storage/volume-builders';

const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['kubernetes.io/pvc-protection', 'other'] };
function aPodUsing(claim: string, over: Partial<Pod['status']> = {}, nodeName = 'pi1'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName, containers: [], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: claim } }] }, status: { phase: 'Running', ...over } };
}

describe('storage object in use protection', () => {
  const claim = { ...aClaim('data'), metadata: { ...aClaim('data').metadata, ...deleting } };
  it('keeps a deleted claim\'s finalizer while a running pod mounts it', () => assert.equal(claimFinalizersAfter(claim, [aPodUsing('data')]), undefined));
  it('removes it once no pod mounts it, keeping the other finalizers', () => assert.deepEqual(claimFinalizersAfter(claim, [aPodUsing('else')]), ['other']));
  it('a finished pod no longer holds the claim', () => assert.deepEqual(claimFinalizersAfter(claim, [aPodUsing('data', { phase: 'Succeeded' })]), ['other']));
  it('an unscheduled pod being deleted no longer holds the claim', () => {
    const pod = aPodUsing('data', {}, '');
    pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    assert.deepEqual(claimFinalizersAfter(claim, [pod]), ['other']);
  });
  it('does nothing for a claim not being deleted', () => assert.equal(claimFinalizersAfter(aClaim('data'), []), undefined));
  it('keeps a deleted volume\'s finalizer while Bound, removes it after', () => {
    const volume = { ...aVolume('pv1'), metadata: { name: 'pv1', deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['kubernetes.io/pv-protection'] } };
    assert.equal(volumeFinalizersAfter({ ...volume, status: { phase: 'Bound' } }), undefined);
    assert.deepEqual(volumeFinalizersAfter({ ...volume, status: { phase: 'Released' } }), []);
  });
});
