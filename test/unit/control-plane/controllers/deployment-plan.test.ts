import assert from 'node:assert/strict';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../../../api/apps-v1';
import type { Pod, PodTemplateSpec } from '../../../../api/core-v1';
import { defaultDeployment } from '../../../../api/defaults/deployment-defaults';
import { maxSurge } from '../../../../api/deployment-rollout';
import type { IntOrString } from '../../../../api/int-or-percent';
import { newReplicaSetFor, planDeployment, planNameCollision, type DeploymentPlan } from '../../../../control-plane/controllers/deployment-plan';

const NOW = new Date('2026-01-01T12:00:00Z');
const EARLIER = '2026-01-01T11:00:00Z';

function template(image: string): PodTemplateSpec {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } };
}

interface Shape {
  replicas?: number;
  image?: string;
  surge?: IntOrString;
  unavailable?: IntOrString;
  recreate?: boolean;
  paused?: boolean;
  history?: number;
  deadline?: number;
  status?: DeploymentStatus;
  annotations?: Record<string, string>;
}

function deployment({ replicas = 10, image = 'v2', surge = '25%', unavailable = '25%', recreate, paused, history, deadline, status, annotations }: Shape = {}): Deployment {
  const d = defaultDeployment({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 2, resourceVersion: '7', ...(annotations ? { annotations } : {}) },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } }, template: template(image),
      strategy: recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
      ...(paused ? { paused } : {}), ...(history !== undefined ? { revisionHistoryLimit: history } : {}), ...(deadline !== undefined ? { progressDeadlineSeconds: deadline } : {}),
    },
  });
  d.status = status ?? {};
  return d;
}

/** The ReplicaSet the Deployment makes for `image`, at `replicas` with `available` of them available. */
function replicaSet(d: Deployment, image: string, replicas: number, available: number, { revision = '1', created = EARLIER, desired = d.spec.replicas ?? 1, max }: { revision?: string; created?: string; desired?: number; max?: number } = {}): ReplicaSet {
  const containers = d.spec.template.spec.containers.map((c) => ({ ...c, image }));
  const rs = newReplicaSetFor({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers } } } });
  rs.metadata = { ...rs.metadata, uid: `uid-${image}`, creationTimestamp: created, generation: 1, resourceVersion: '3',
    annotations: { 'deployment.kubernetes.io/revision': revision, 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(max ?? desired + maxSurge(d)) } };
  rs.spec.replicas = replicas;
  rs.status = { replicas, ...(available ? { readyReplicas: available, availableReplicas: available } : {}), observedGeneration: 1 };
  return rs;
}


const plan = (d: Deployment, sets: ReplicaSet[], pods: Pod[] = [], now = NOW): DeploymentPlan => planDeployment({ deployment: d, replicaSets: sets, pods, now });
const sizes = (p: DeploymentPlan): [string, string, number][] => p.writes.map((w) => [w.action, w.rs.metadata.name ?? '', w.rs.spec.replicas ?? 0]);
const events = (p: DeploymentPlan): string[] => p.writes.flatMap((w) => w.events.map((e) => e.message));
const condition = (p: DeploymentPlan, type: string): [string, string, string] | undefined => {
  const c = p.deployment?.status?.conditions?.find((x) => x.type === type);
  return c && [c.status, c.reason ?? '', c.message ?? ''];
};

describe('deployment plan: a new Deployment', () => {
  const d = deployment({ replicas: 3, annotations: { 'kubernetes.io/change-cause': 'first', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
  const p = plan(d, []);
  const created = p.writes[0]?.rs;

  it('creates its ReplicaSet <deploy>-<pod-template-hash> at the full count (25% surge of 3 rounds up to 1: 3 fit in 4)', () => {
    assert.equal(p.writes.length, 1);
    assert.equal(p.writes[0]?.action, 'create');
    const hash = created?.metadata.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(created?.metadata.name, `web-${hash}`);
    assert.equal(created?.spec.replicas, 3);
    assert.deepEqual(created?.spec.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.deepEqual(created?.spec.template?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(created?.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
  });

  it('annotates it with revision 1, the replica counts and the change cause, never last-applied', () => {
    assert.deepEqual(created?.metadata.annotations, {
      'kubernetes.io/change-cause': 'first', 'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4',
    });
  });

  it('records the scale-up and reports NewReplicaSetCreated and the revision on the Deployment', () => {
    assert.deepEqual(events(p), [`Scaled up replica set ${created?.metadata.name ?? ''} to 3`]);
    assert.equal(p.deployment?.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(condition(p, 'Progressing'), ['True', 'NewReplicaSetCreated', `Created new replica set "${created?.metadata.name ?? ''}"`]);
    assert.deepEqual(condition(p, 'Available'), ['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']);
    assert.equal(p.deployment?.status?.observedGeneration, 2);
  });

  it('hashes with the collision count into another name', () => {
    const again = plan(deployment({ replicas: 3, status: { collisionCount: 1 } }), []);
    assert.notEqual(again.writes[0]?.rs.metadata.name, created?.metadata.name);
  });
});

describe('deployment plan: rolling update steps', () => {
  const cases: { name: string; d: Deployment; old: [number, number]; next?: [number, number]; writes: [string, string, number][] }[] = [
    { name: '10 replicas at 25%/25%: surge rounds up to 3, the new ReplicaSet starts at 3 and the old loses 2 (rounded down)', d: deployment(), old: [10, 10], writes: [['create', 'new', 3], ['update', 'old', 8]] },
    { name: 'then the old one loses what availability allows: 25% unavailable rounds down to 2', d: deployment(), old: [10, 10], next: [3, 0], writes: [['update', 'old', 8]] },
    { name: 'the new one grows into the room the old one left', d: deployment(), old: [8, 8], next: [3, 0], writes: [['update', 'new', 5]] },
    { name: 'and then nothing moves while the new pods are not available', d: deployment(), old: [8, 8], next: [5, 0], writes: [] },
    { name: 'new pods available let the new one grow into the surge', d: deployment(), old: [8, 8], next: [3, 3], writes: [['update', 'new', 5]] },
    { name: 'maxSurge 1 / maxUnavailable 0 grows the new one by one', d: deployment({ replicas: 3, surge: 1, unavailable: 0 }), old: [3, 3], writes: [['create', 'new', 1]] },
    { name: 'maxUnavailable 0 keeps every old pod until a new one is available', d: deployment({ replicas: 3, surge: 1, unavailable: 0 }), old: [3, 3], next: [1, 0], writes: [] },
    { name: 'one new pod available lets one old pod go', d: deployment({ replicas: 3, surge: 1, unavailable: 0 }), old: [3, 3], next: [1, 1], writes: [['update', 'old', 2]] },
    { name: 'room left by the old one is taken by the new one', d: deployment({ replicas: 3, surge: 1, unavailable: 0 }), old: [2, 2], next: [1, 1], writes: [['update', 'new', 2]] },
    { name: 'maxSurge 0 / maxUnavailable 1 shrinks first', d: deployment({ replicas: 3, surge: 0, unavailable: 1 }), old: [3, 3], next: [0, 0], writes: [['update', 'old', 2]] },
    { name: 'new pods that never become ready stop the rollout at maxUnavailable', d: deployment({ replicas: 4, surge: 1, unavailable: 1 }), old: [3, 3], next: [2, 0], writes: [] },
    { name: 'unhealthy old pods go first, beyond the availability budget', d: deployment({ replicas: 4, surge: 1, unavailable: 1 }), old: [4, 1], next: [1, 0], writes: [['update', 'old', 3]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const old = replicaSet(c.d, 'v1', c.old[0], c.old[1], { created: '2026-01-01T10:00:00Z' });
      const sets = c.next ? [old, replicaSet(c.d, 'v2', c.next[0], c.next[1], { revision: '2' })] : [old];
      const p = plan(c.d, sets);
      const rename = (n: string): string => (n === old.metadata.name ? 'old' : 'new');
      assert.deepEqual(sizes(p).map(([a, n, s]) => [a, rename(n), s]), c.writes);
    });
  }

  it('records each scaling as Kubernetes words it', () => {
    const d = deployment();
    const old = replicaSet(d, 'v1', 10, 10, { created: '2026-01-01T10:00:00Z' });
    assert.deepEqual(events(plan(d, [old, replicaSet(d, 'v2', 3, 0, { revision: '2' })])), [`Scaled down replica set ${old.metadata.name ?? ''} to 8 from 10`]);
  });
});

describe('deployment plan: progress and completion', () => {
  const d0 = deployment({ replicas: 2, surge: 1, unavailable: 0, deadline: 60 });
  const progressing = (at: string, reason = 'ReplicaSetUpdated'): DeploymentStatus => ({
    observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: EARLIER, lastTransitionTime: EARLIER },
      { type: 'Progressing', status: 'True', reason, message: 'x', lastUpdateTime: at, lastTransitionTime: at },
    ],
  });
  const stuck = (status: DeploymentStatus): [Deployment, ReplicaSet[]] => {
    const d = { ...d0, metadata: { ...d0.metadata, annotations: { 'deployment.kubernetes.io/revision': '2' } }, status };
    return [d, [replicaSet(d, 'v1', 2, 2, { created: '2026-01-01T10:00:00Z' }), replicaSet(d, 'v2', 1, 0, { revision: '2' })]];
  };

  it('a rollout without progress past its deadline is ProgressDeadlineExceeded, the old pods untouched', () => {
    const [d, sets] = stuck(progressing('2026-01-01T11:58:59Z'));
    const p = plan(d, sets);
    assert.deepEqual(p.writes, []);
    assert.deepEqual(condition(p, 'Progressing'), ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${sets[1]?.metadata.name ?? ''}" has timed out progressing.`]);
  });

  it('before the deadline it writes nothing and looks again when the deadline passes', () => {
    const [d, sets] = stuck(progressing('2026-01-01T11:59:30Z'));
    const p = plan(d, sets);
    assert.equal(p.deployment, undefined);
    assert.equal(p.requeueAfterMs, 30_001);
  });

  it('progress (a new pod available) moves lastUpdateTime and keeps the transition time', () => {
    const [d, sets] = stuck(progressing('2026-01-01T11:00:00Z'));
    const ready = sets.map((rs) => (rs.metadata.uid === 'uid-v2' ? { ...rs, status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 } } : rs));
    const p = plan(d, ready);
    const c = p.deployment?.status?.conditions?.find((x) => x.type === 'Progressing');
    assert.equal(c?.reason, 'ReplicaSetUpdated');
    assert.equal(c?.message, `ReplicaSet "${sets[1]?.metadata.name ?? ''}" is progressing.`);
    assert.equal(c?.lastUpdateTime, '2026-01-01T12:00:00Z');
    assert.equal(c?.lastTransitionTime, '2026-01-01T11:00:00Z');
  });

  it('a complete rollout is NewReplicaSetAvailable and Available, and then writes nothing', () => {
    const d = { ...d0, status: progressing('2026-01-01T11:00:00Z') };
    const sets = [replicaSet(d, 'v1', 0, 0, { created: '2026-01-01T10:00:00Z' }), replicaSet(d, 'v2', 2, 2, { revision: '2' })];
    const p = plan(d, sets);
    assert.deepEqual(condition(p, 'Progressing'), ['True', 'NewReplicaSetAvailable', `ReplicaSet "${sets[1]?.metadata.name ?? ''}" has successfully progressed.`]);
    assert.deepEqual(condition(p, 'Available'), ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
    assert.deepEqual(p.deployment?.status && { ...p.deployment.status, conditions: undefined }, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: undefined });
    const idle = plan({ ...d, metadata: { ...d.metadata, annotations: p.deployment?.metadata.annotations }, status: p.deployment?.status }, sets);
    assert.deepEqual([idle.writes, idle.deletes, idle.deployment], [[], [], undefined]);
  });

  it('copies a ReplicaSet failure into ReplicaFailure', () => {
    const [d, sets] = stuck(progressing('2026-01-01T11:59:30Z'));
    const failing = sets.map((rs) => (rs.metadata.uid === 'uid-v2' ? { ...rs, status: { replicas: 1, conditions: [{ type: 'ReplicaFailure' as const, status: 'True' as const, reason: 'FailedCreate', message: 'quota', lastTransitionTime: EARLIER }] } } : rs));
    assert.deepEqual(condition(plan(d, failing), 'ReplicaFailure'), ['True', 'FailedCreate', 'quota']);
  });
});

describe('deployment plan: proportional scaling mid-rollout', () => {
  const cases: { name: string; from: number; to: number; surge: IntOrString; unavailable: IntOrString; old: number; next: number; expect: [number, number] }[] = [
    // The Kubernetes documentation's example: 10 → 15 with 8 old and 5 new pods, maxSurge 3: 3 more old, 2 more new.
    { name: 'scaling up spreads the new replicas by size (the documented 10 → 15 example)', from: 10, to: 15, surge: 3, unavailable: 2, old: 8, next: 5, expect: [11, 7] },
    { name: 'scaling down takes from the larger ReplicaSet first', from: 10, to: 5, surge: 3, unavailable: 2, old: 8, next: 5, expect: [5, 3] },
    { name: 'scaling to 0 empties both', from: 10, to: 0, surge: 3, unavailable: 2, old: 8, next: 5, expect: [0, 0] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = deployment({ replicas: c.from, surge: c.surge, unavailable: c.unavailable });
      const d = deployment({ replicas: c.to, surge: c.surge, unavailable: c.unavailable });
      const old = replicaSet(before, 'v1', c.old, c.old, { created: '2026-01-01T10:00:00Z' });
      const next = replicaSet(before, 'v2', c.next, 0, { revision: '2' });
      const p = plan(d, [old, next]);
      const size = (rs: ReplicaSet): number => p.writes.find((w) => w.rs.metadata.name === rs.metadata.name)?.rs.spec.replicas ?? rs.spec.replicas ?? 0;
      assert.deepEqual([size(old), size(next)], c.expect);
      for (const w of p.writes) assert.equal(w.rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], String(c.to));
    });
  }

  it('a single active ReplicaSet takes the whole new count', () => {
    const before = deployment({ replicas: 3 });
    const d = deployment({ replicas: 5 });
    const rs = replicaSet(before, 'v2', 3, 3);
    const p = plan(d, [rs]);
    assert.deepEqual(sizes(p), [['update', rs.metadata.name ?? '', 5]]);
    assert.deepEqual(events(p), [`Scaled up replica set ${rs.metadata.name ?? ''} to 5 from 3`]);
  });
});

describe('deployment plan: Recreate', () => {
  const d = deployment({ replicas: 3, recreate: true });
  const old = replicaSet(d, 'v1', 3, 3, { created: '2026-01-01T10:00:00Z' });
  const oldPod = (phase: 'Running' | 'Succeeded'): Pod => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: old.metadata.name ?? '', uid: old.metadata.uid ?? '', controller: true }] },
    spec: { containers: [] }, status: { phase },
  });
  const emptied = { ...old, spec: { ...old.spec, replicas: 0 }, status: { replicas: 0, observedGeneration: 1 } };

  it('scales the old ReplicaSets to 0 first and creates nothing', () => {
    assert.deepEqual(sizes(plan(d, [old])), [['update', old.metadata.name ?? '', 0]]);
  });
  it('waits while an old pod still runs (terminating)', () => {
    assert.deepEqual(sizes(plan(d, [emptied], [oldPod('Running')])), []);
  });
  it('creates the new ReplicaSet at full size once the old pods are gone or finished', () => {
    const p = plan(d, [emptied], [oldPod('Succeeded')]);
    assert.equal(p.writes.length, 1);
    assert.deepEqual([p.writes[0]?.action, p.writes[0]?.rs.spec.replicas], ['create', 3]);
    assert.equal(p.writes[0]?.rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '3');
  });
});

describe('deployment plan: paused, history, rollback', () => {
  it('a paused Deployment makes no new ReplicaSet, says DeploymentPaused, and still scales', () => {
    const d = deployment({ replicas: 5, paused: true, image: 'v3' });
    const rs = replicaSet(deployment({ replicas: 3 }), 'v2', 3, 3);
    const p = plan(d, [rs]);
    assert.deepEqual(sizes(p), [['update', rs.metadata.name ?? '', 5]]);
    assert.deepEqual(condition(p, 'Progressing'), ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
  });

  it('resuming says DeploymentResumed', () => {
    const paused = { type: 'Progressing' as const, status: 'Unknown' as const, reason: 'DeploymentPaused', message: 'Deployment is paused' };
    const d = deployment({ replicas: 3, status: { replicas: 3, updatedReplicas: 3, conditions: [paused] } });
    assert.deepEqual(condition(plan(d, [replicaSet(d, 'v2', 3, 0)]), 'Progressing'), ['Unknown', 'DeploymentResumed', 'Deployment is resumed']);
  });

  it('deletes the lowest revisions beyond revisionHistoryLimit once complete, never one with replicas', () => {
    const d = deployment({ replicas: 2, history: 1, status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 } });
    const old1 = replicaSet(d, 'v0', 0, 0, { revision: '1', created: '2026-01-01T09:00:00Z' });
    const old2 = replicaSet(d, 'v1', 0, 0, { revision: '2', created: '2026-01-01T10:00:00Z' });
    const busy = replicaSet(d, 'v9', 0, 0, { revision: '0', created: '2026-01-01T08:00:00Z' });
    busy.status = { replicas: 1 };
    const p = plan(d, [busy, old1, old2, replicaSet(d, 'v2', 2, 2, { revision: '3' })]);
    assert.deepEqual(p.deletes.map((rs) => rs.metadata.uid), ['uid-v0']);
  });

  it('a template back to an old ReplicaSet makes it new again with the next revision and keeps its old one in revision-history', () => {
    const d = deployment({ replicas: 2, image: 'v1', annotations: { 'kubernetes.io/change-cause': 'undo' } });
    const v1 = replicaSet(d, 'v1', 0, 0, { revision: '1', created: '2026-01-01T10:00:00Z' });
    const v2 = replicaSet(d, 'v2', 2, 2, { revision: '2' });
    const p = plan(d, [v1, v2]);
    const write = p.writes.find((w) => w.rs.metadata.uid === 'uid-v1');
    assert.equal(write?.rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(write?.rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(write?.rs.metadata.annotations?.['kubernetes.io/change-cause'], 'undo');
    assert.equal(write?.rs.spec.replicas, 1);
    assert.equal(p.deployment?.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  });

  it('a name taken by a ReplicaSet it does not control is a collision: collisionCount goes up', () => {
    const d = deployment({ replicas: 2 });
    const foreign = newReplicaSetFor(d);
    foreign.metadata.ownerReferences = [];
    assert.equal(planNameCollision(d, foreign)?.status?.collisionCount, 1);
    assert.equal(planNameCollision(d, newReplicaSetFor(d)), undefined);
  });
});
