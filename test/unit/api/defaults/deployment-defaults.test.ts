import assert from 'node:assert/strict';
import { defaultDeployment } from '../../../../api/defaults/deployment-defaults';
import { aDeployment } from '../workload-builders';

describe('defaultDeployment', () => {
  it('defaults a Deployment as SetDefaults_Deployment', () => {
    const spec = defaultDeployment(aDeployment()).spec;
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal(spec.template.spec.restartPolicy, 'Always');
  });

  it('keeps what the user set, including replicas 0 and a Recreate strategy without rollingUpdate', () => {
    const spec = defaultDeployment(aDeployment({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 })).spec;
    assert.equal(spec.replicas, 0);
    assert.deepEqual(spec.strategy, { type: 'Recreate' });
    assert.equal(spec.revisionHistoryLimit, 0);
    assert.deepEqual(defaultDeployment(aDeployment({ strategy: { rollingUpdate: { maxSurge: 0 } } })).spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '25%' } });
  });

  it('does not change its input', () => {
    const d = aDeployment();
    defaultDeployment(d);
    assert.equal(d.spec.replicas, undefined);
  });
});
