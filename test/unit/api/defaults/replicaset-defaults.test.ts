import assert from 'node:assert/strict';
import { defaultReplicaSet } from '../../../../api/defaults/replicaset-defaults';
import { aReplicaSet } from '../workload-builders';

describe('defaultReplicaSet', () => {
  it('defaults a ReplicaSet to one replica', () => {
    assert.equal(defaultReplicaSet(aReplicaSet()).spec.replicas, 1);
    assert.equal(defaultReplicaSet(aReplicaSet({ template: undefined })).spec.template?.spec.restartPolicy, 'Always');
  });
});
