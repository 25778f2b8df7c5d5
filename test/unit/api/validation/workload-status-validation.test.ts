import assert from 'node:assert/strict';
import type { Deployment, StatefulSet } from '../../../../api/apps-v1';
import { validateDeploymentStatusUpdate, validateStatefulSetStatusUpdate } from '../../../../api/validation/workload-status-validation';
import { aDeployment, aStatefulSet } from '../workload-builders';

const withStatus = <T extends Deployment | StatefulSet>(obj: T, status: T['status']): T => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: '5' }, status });
const messages = (causes: { field: string; message: string }[]): string[] => causes.map((c) => `${c.field}: ${c.message}`);

describe('workload status validation', () => {
  it('accepts consistent Deployment counters', () => {
    const d = withStatus(aDeployment(), { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    assert.deepEqual(validateDeploymentStatusUpdate(d, d), []);
  });

  it('refuses counters above replicas or readiness, negative counters and a smaller collisionCount', () => {
    const old = withStatus(aDeployment(), { replicas: 1, collisionCount: 2 });
    const next = withStatus(aDeployment(), { replicas: 1, readyReplicas: 2, availableReplicas: 3, unavailableReplicas: -1, collisionCount: 1 });
    assert.deepEqual(messages(validateDeploymentStatusUpdate(next, old)), [
      'status.unavailableReplicas: Invalid value: -1: must be greater than or equal to 0',
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
      'status.collisionCount: Invalid value: 1: cannot be decremented',
    ]);
  });

  it('words the StatefulSet readiness rule with status.readyReplicas', () => {
    const sts = withStatus(aStatefulSet(), { replicas: 2, readyReplicas: 1, availableReplicas: 2 });
    assert.deepEqual(messages(validateStatefulSetStatusUpdate(sts, sts)), ['status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas']);
  });
});
