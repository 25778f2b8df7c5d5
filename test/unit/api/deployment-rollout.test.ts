import assert from 'node:assert/strict';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../../api/apps-v1';
import { defaultDeployment } from '../../../api/defaults/deployment-defaults';
import {
  deploymentComplete, deploymentProgressing, deploymentTimedOut, isSaturated, maxSurge, maxUnavailable, minAvailable,
  newReplicaSetReplicas, planOldReplicaSetScaleDown, getProportion, findActiveOrLatest,
} from '../../../api/deployment-rollout';
import type { IntOrString } from '../../../api/int-or-percent';
import { aDeployment, aReplicaSet } from './workload-builders';

function deployment(replicas: number, surge: IntOrString = '25%', unavailable: IntOrString = '25%', type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate'): Deployment {
  const strategy = type === 'Recreate' ? { type } : { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } };
  return defaultDeployment(aDeployment({ replicas, strategy }));
}

function rs(name: string, replicas: number, available = replicas, created = '2026-01-01T00:00:00Z'): ReplicaSet {
  const out = aReplicaSet({ replicas });
  out.metadata = { ...out.metadata, name, creationTimestamp: created };
  out.status = { replicas, availableReplicas: available };
  return out;
}

describe('deployment rollout fenceposts', () => {
  const cases: [string, Deployment, number, number, number][] = [
    ['10 replicas at 25%/25%', deployment(10), 3, 2, 8],
    ['1 replica at 25%/25% (surge rounds up, unavailability down)', deployment(1), 1, 0, 1],
    ['0 replicas (an absolute surge still counts)', deployment(0, 1, 1), 1, 0, 0],
    ['maxUnavailable above the replicas', deployment(2, 0, 5), 0, 2, 0],
    ['both resolving to 0', deployment(3, '10%', '10%'), 1, 0, 3],
    ['Recreate', deployment(4, 1, 1, 'Recreate'), 0, 0, 0],
  ];
  for (const [name, d, surge, unavailable, min] of cases) {
    it(`resolves ${name}`, () => {
      assert.deepEqual([maxSurge(d), maxUnavailable(d), minAvailable(d)], [surge, unavailable, min]);
    });
  }
});

describe('newReplicaSetReplicas', () => {
  // TestNewRSNewReplicas of deployment_util_test.go, plus surge-bounded steps.
  const cases: [string, Deployment, number, number[], number][] = [
    ['cannot scale up: already at the surge limit', deployment(1, 1, 0), 5, [], 5],
    ['scales up to the desired count', deployment(6, 10, 0), 2, [], 6],
    ['Recreate jumps to the desired count', deployment(3, 1, 1, 'Recreate'), 1, [], 3],
    ['grows by the surge while old pods remain', deployment(10, 3, 2), 0, [10], 3],
    ['grows into room the old ReplicaSets left', deployment(10, 3, 2), 3, [5], 8],
  ];
  for (const [name, d, newSize, oldSizes, expected] of cases) {
    it(name, () => {
      const newRS = rs('new', newSize);
      const all = [newRS, ...oldSizes.map((n, i) => rs(`old-${i}`, n))];
      assert.equal(newReplicaSetReplicas(d, all, newRS), expected);
    });
  }
});

describe('planOldReplicaSetScaleDown', () => {
  it('follows the Kubernetes example: 10 replicas, maxUnavailable 2, maxSurge 3, a crashlooping new ReplicaSet', () => {
    const d = deployment(10, 3, 2);
    assert.deepEqual([...planOldReplicaSetScaleDown(d, rs('new', 5, 0), [rs('old', 8, 7)])], []);
    assert.deepEqual([...planOldReplicaSetScaleDown(d, rs('new', 3, 0), [rs('old', 10, 10)])], [['old', 8]]);
  });

  it('removes unhealthy replicas of old ReplicaSets first, oldest first', () => {
    const d = deployment(4, 1, 2);
    const older = rs('older', 2, 0, '2026-01-01T00:00:00Z');
    const newer = rs('newer', 2, 2, '2026-01-02T00:00:00Z');
    assert.deepEqual([...planOldReplicaSetScaleDown(d, rs('new', 1, 1), [newer, older])], [['older', 0], ['newer', 1]]);
  });

  it('scales nothing once old ReplicaSets are empty or availability is at its minimum', () => {
    const d = deployment(4, 1, 1);
    assert.equal(planOldReplicaSetScaleDown(d, rs('new', 4, 4), [rs('old', 0, 0)]).size, 0);
    assert.equal(planOldReplicaSetScaleDown(d, rs('new', 1, 0), [rs('old', 3, 3)]).size, 0);
  });
});

describe('rollout conditions', () => {
  const d = deployment(3);
  d.metadata.generation = 2;
  d.status = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 };

  it('is complete when every replica is updated and available and the generation observed', () => {
    assert.equal(deploymentComplete(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 }), true);
    assert.equal(deploymentComplete(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 }), false);
    assert.equal(deploymentComplete(d, { replicas: 4, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 }), false);
  });

  const progress: [string, DeploymentStatus, boolean][] = [
    ['more updated pods', { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 }, true],
    ['fewer old pods', { replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }, true],
    ['more available pods', { replicas: 4, updatedReplicas: 1, readyReplicas: 4, availableReplicas: 4 }, true],
    ['nothing new', { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }, false],
  ];
  for (const [name, status, expected] of progress) {
    it(`${expected ? 'progresses' : 'does not progress'} with ${name}`, () => assert.equal(deploymentProgressing(d, status), expected));
  }

  it('times out when the Progressing condition is older than the deadline', () => {
    const status = (reason: string): DeploymentStatus => ({ conditions: [{ type: 'Progressing', status: 'True', reason, lastUpdateTime: '2026-01-01T00:00:00Z' }] });
    assert.equal(deploymentTimedOut(d, status('ReplicaSetUpdated'), new Date('2026-01-01T00:10:01Z')), true);
    assert.equal(deploymentTimedOut(d, status('ReplicaSetUpdated'), new Date('2026-01-01T00:10:00Z')), false);
    assert.equal(deploymentTimedOut(d, status('NewReplicaSetAvailable'), new Date('2027-01-01T00:00:00Z')), false);
    assert.equal(deploymentTimedOut(d, status('ProgressDeadlineExceeded'), new Date('2026-01-01T00:00:00Z')), true);
    assert.equal(deploymentTimedOut(d, {}, new Date('2027-01-01T00:00:00Z')), false);
  });

  it('is saturated when the new ReplicaSet has, wants and has available all replicas', () => {
    const full = rs('new', 3, 3);
    full.metadata.annotations = { 'deployment.kubernetes.io/desired-replicas': '3' };
    assert.equal(isSaturated(d, full), true);
    assert.equal(isSaturated(d, rs('new', 3, 3)), false);
    assert.equal(isSaturated(d, undefined), false);
  });
});

describe('getProportion (proportional scaling of a Deployment resized mid-rollout)', () => {
  const withMax = (name: string, replicas: number, max?: number): ReplicaSet => {
    const out = rs(name, replicas);
    if (max !== undefined) out.metadata.annotations = { 'deployment.kubernetes.io/max-replicas': String(max) };
    return out;
  };
  // 10 → 15 replicas with maxSurge 3: 18 allowed instead of 13.
  const cases: [string, ReplicaSet, number, number, number, number | undefined, number][] = [
    ['a share by size, rounded half away from zero (8 × 18 / 13 = 11.08)', withMax('old', 8, 13), 15, 5, 0, undefined, 3],
    ['never beyond what is left to add', withMax('new', 5, 13), 15, 5, 3, undefined, 2],
    ['scaling down: a negative share, never beyond what is left to remove', withMax('old', 8, 13), 5, -5, 0, undefined, -3],
    ['scaling to 0: the whole size', withMax('old', 8, 13), 0, -13, 0, undefined, -8],
    ['an empty ReplicaSet takes nothing', withMax('old', 0, 13), 15, 5, 0, undefined, 0],
    ['without the annotation, the Deployment\'s current size is the base (8 × 18 / 13)', withMax('old', 8), 15, 5, 0, 13, 3],
    ['without annotation nor current size, nothing', withMax('old', 8), 15, 5, 0, 0, 0],
  ];
  for (const [name, set, replicas, toAdd, added, statusReplicas, expected] of cases) {
    it(name, () => {
      const d = deployment(replicas, 3, 2);
      if (statusReplicas !== undefined) d.status = { replicas: statusReplicas };
      assert.equal(getProportion(set, d, toAdd, added), expected);
    });
  }

  it('finds the one active ReplicaSet, else the new one, else the newest old one', () => {
    assert.equal(findActiveOrLatest(rs('new', 0), [rs('old', 3)])?.metadata.name, 'old');
    assert.equal(findActiveOrLatest(rs('new', 0), [rs('old', 0)])?.metadata.name, 'new');
    assert.equal(findActiveOrLatest(undefined, [rs('a', 0, 0, '2026-01-01T00:00:00Z'), rs('b', 0, 0, '2026-01-02T00:00:00Z')])?.metadata.name, 'b');
    assert.equal(findActiveOrLatest(rs('new', 1), [rs('old', 3)]), undefined);
  });
});
