import assert from 'node:assert/strict';
import { defaultDaemonSet } from '../../../../api/defaults/daemonset-defaults';
import { aDaemonSet } from '../workload-builders';

describe('defaultDaemonSet', () => {
  it('defaults a DaemonSet to RollingUpdate 1 unavailable, 0 surge', () => {
    const spec = defaultDaemonSet(aDaemonSet()).spec;
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(defaultDaemonSet(aDaemonSet({ updateStrategy: { type: 'OnDelete' } })).spec.updateStrategy, { type: 'OnDelete' });
  });
});
