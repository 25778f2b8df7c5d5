import assert from 'node:assert/strict';
import { defaultStatefulSet } from '../../../../api/defaults/statefulset-defaults';
import { aStatefulSet } from '../workload-builders';

describe('defaultStatefulSet', () => {
  it('defaults a StatefulSet as SetDefaults_StatefulSet', () => {
    const spec = defaultStatefulSet(aStatefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] })).spec;
    assert.equal(spec.replicas, 1);
    assert.equal(spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(spec.volumeClaimTemplates?.[0], { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  });

  it('creates a StatefulSet rollingUpdate only when it defaulted the type', () => {
    assert.deepEqual(defaultStatefulSet(aStatefulSet({ updateStrategy: { type: 'RollingUpdate' } })).spec.updateStrategy, { type: 'RollingUpdate' });
    assert.deepEqual(defaultStatefulSet(aStatefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: {} } })).spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  });
});
