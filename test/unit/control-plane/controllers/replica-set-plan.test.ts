import assert from 'node:assert/strict';
import type { ReplicaSet, ReplicaSetStatus } from '../../../../api/apps-v1';
import type { Pod } from '../../../../api/core-v1';
import { planReplicaSet, planStatus, podFromTemplate, relatedPods, type ReplicaSetState } from '../../../../control-plane/controllers/replica-set-plan';
import { aReplicaSet, ownedPod } from './fixtures';

const NOW = new Date('2026-01-01T12:00:00Z');

function state(rs: ReplicaSet, pods: Pod[], extra: Partial<ReplicaSetState> = {}): ReplicaSetState {
  return { rs, pods, siblings: [], synced: true, now: NOW, ...extra };
}

const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name ?? '');

describe('replica set plan: claiming pods', () => {
  const rs = aReplicaSet('web', 3);
  const cases: { name: string; rs?: ReplicaSet; pods: Pod[]; adopt?: string[]; release?: string[]; claimed: string[] }[] = [
    { name: 'keeps the pods it controls that its selector matches', pods: [ownedPod('a', rs), ownedPod('b', rs)], claimed: ['a', 'b'] },
    { name: 'adopts a matching orphan and counts it', pods: [ownedPod('a', rs), ownedPod('o', undefined)], adopt: ['o'], claimed: ['a', 'o'] },
    { name: 'releases a pod it controls whose labels stopped matching', pods: [ownedPod('a', rs), ownedPod('r', rs, { app: 'debug' })], release: ['r'], claimed: ['a'] },
    { name: 'leaves alone a matching pod another controller owns', pods: [ownedPod('x', aReplicaSet('other', 1))], claimed: [] },
    { name: 'does not adopt an orphan its selector does not match', pods: [ownedPod('o', undefined, { app: 'db' })], claimed: [] },
    { name: 'does not adopt an orphan being deleted', pods: [{ ...ownedPod('o', undefined), metadata: { ...ownedPod('o', undefined).metadata, deletionTimestamp: '2026-01-01T11:00:00Z' } }], claimed: [] },
    { name: 'does not adopt an orphan of another namespace', pods: [ownedPod('o', undefined, { app: 'web' }, 'kube-system')], claimed: [] },
    { name: 'counts neither finished nor terminating pods', pods: [ownedPod('f', rs, undefined, 'default', { phase: 'Failed' }), ownedPod('s', rs, undefined, 'default', { phase: 'Succeeded' }), { ...ownedPod('t', rs), metadata: { ...ownedPod('t', rs).metadata, deletionTimestamp: '2026-01-01T11:00:00Z' } }], claimed: [] },
    { name: 'a ReplicaSet being deleted adopts and releases nothing but keeps its matching pods', rs: { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T11:00:00Z' } },
      pods: [ownedPod('a', rs), ownedPod('o', undefined), ownedPod('r', rs, { app: 'debug' })], claimed: ['a'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planReplicaSet(state(c.rs ?? rs, c.pods));
      assert.ok(plan);
      assert.deepEqual(names(plan.adopt), c.adopt ?? []);
      assert.deepEqual(names(plan.release), c.release ?? []);
      assert.deepEqual(names(plan.claimed), c.claimed);
    });
  }
});

describe('replica set plan: creating and deleting', () => {
  const rs = aReplicaSet('web', 3);
  const cases: { name: string; rs?: ReplicaSet; pods: Pod[]; synced?: boolean; create: number; remove?: string[] }[] = [
    { name: 'creates the missing pods', pods: [ownedPod('a', rs)], create: 2 },
    { name: 'creates what a released pod leaves missing', pods: [ownedPod('a', rs), ownedPod('b', rs), ownedPod('r', rs, { app: 'debug' })], create: 1 },
    { name: 'an adopted orphan stands for a pod to create', pods: [ownedPod('a', rs), ownedPod('b', rs), ownedPod('o', undefined)], create: 0 },
    { name: 'does nothing while its last writes are not seen (expectations)', pods: [], synced: false, create: 0 },
    { name: 'a ReplicaSet being deleted creates nothing', rs: { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T11:00:00Z' } }, pods: [], create: 0 },
    { name: 'creates at most the burst size in one pass', rs: aReplicaSet('big', 800), pods: [], create: 500 },
    { name: 'at its count, does nothing', pods: [ownedPod('a', rs), ownedPod('b', rs), ownedPod('c', rs)], create: 0 },
    { name: 'scaling down deletes an unscheduled pod first', pods: [ownedPod('a', rs), ownedPod('b', rs), ownedPod('c', rs), ownedPod('u', rs, undefined, 'default', { nodeName: '' })], create: 0, remove: ['u'] },
    { name: 'then a pending one before a running one', rs: aReplicaSet('web', 1), pods: [ownedPod('a', rs), ownedPod('p', rs, undefined, 'default', { phase: 'Pending', ready: false })], create: 0, remove: ['p'] },
    { name: 'then a not-ready one before a ready one', rs: aReplicaSet('web', 1), pods: [ownedPod('a', rs), ownedPod('n', rs, undefined, 'default', { ready: false })], create: 0, remove: ['n'] },
    { name: 'then the newest', rs: aReplicaSet('web', 1),
      pods: [ownedPod('old', rs, undefined, 'default', { created: '2025-01-01T00:00:00Z', readySince: '2025-01-01T00:00:00Z' }), ownedPod('new', rs, undefined, 'default', { created: '2026-01-01T11:59:00Z', readySince: '2026-01-01T11:59:00Z' })],
      create: 0, remove: ['new'] },
    { name: 'a pod whose labels stopped matching is released, not deleted', rs: aReplicaSet('web', 1), pods: [ownedPod('a', rs), ownedPod('r', rs, { app: 'debug' })], create: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planReplicaSet(state(c.rs ?? rs, c.pods, { synced: c.synced ?? true }));
      assert.ok(plan);
      assert.equal(plan.create, c.create);
      assert.deepEqual(names(plan.delete), c.remove ?? []);
    });
  }

  it('scaling down prefers pods doubled up on a node with its siblings\' pods', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'uid-deploy', controller: true };
    const a = aReplicaSet('web', 1, owner);
    const b = { ...aReplicaSet('web-2', 1, owner), spec: { ...aReplicaSet('web-2', 1).spec, selector: { matchLabels: { app: 'web2' } } } };
    const pods = [ownedPod('on-pi1', a, undefined, 'default', { nodeName: 'pi1' }), ownedPod('on-pi2', a, undefined, 'default', { nodeName: 'pi2' }), ownedPod('sibling', b, { app: 'web2' }, 'default', { nodeName: 'pi2' })];
    const plan = planReplicaSet(state(a, pods, { siblings: [a, b] }));
    assert.deepEqual(names(plan?.delete ?? []), ['on-pi2']);
    assert.deepEqual(names(relatedPods([a, b], pods)), ['on-pi1', 'on-pi2', 'sibling']);
  });

  it('leaves a ReplicaSet whose selector does not parse alone', () => {
    const bad = { ...rs, spec: { ...rs.spec, selector: { matchExpressions: [{ key: 'app', operator: 'Like' as 'In', values: ['x'] }] } } };
    assert.equal(planReplicaSet(state(bad, [ownedPod('a', rs)])), undefined);
  });
});

describe('replica set plan: the pods it creates', () => {
  it('are named after it by the server, carry the template\'s labels and annotations, and name it as their controller', () => {
    const rs = aReplicaSet('web', 2);
    rs.spec.template = { metadata: { labels: { app: 'web', tier: 'front' }, annotations: { note: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const pod = podFromTemplate(rs);
    assert.equal(pod.metadata.generateName, 'web-');
    assert.equal(pod.metadata.name, undefined);
    assert.equal(pod.metadata.namespace, 'default');
    assert.deepEqual(pod.metadata.labels, { app: 'web', tier: 'front' });
    assert.deepEqual(pod.metadata.annotations, { note: 'x' });
    assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-rs-web', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(pod.spec, { containers: [{ name: 'c', image: 'busybox' }] });
    pod.metadata.labels!.app = 'changed';
    assert.equal(rs.spec.template.metadata?.labels?.app, 'web', 'the template is copied, not shared');
  });
});

describe('replica set plan: status', () => {
  const rs = aReplicaSet('web', 3);
  const written = (r: ReplicaSet, pods: Pod[], failure?: string): ReplicaSetStatus | undefined => planStatus(r, pods, failure, NOW).write;

  it('counts replicas, fully labelled, ready and available pods and reports the generation it saw', () => {
    const pods = [ownedPod('a', rs), ownedPod('b', rs, { app: 'web' }), ownedPod('c', rs, undefined, 'default', { ready: false })];
    assert.deepEqual(written({ ...rs, metadata: { ...rs.metadata, generation: 4 } }, pods), { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 4 });
  });

  it('leaves zero counters out, as Kubernetes does', () => {
    assert.deepEqual(written(rs, []), { replicas: 0, observedGeneration: 1 });
  });

  it('writes nothing when the stored status is already right', () => {
    const pods = [ownedPod('a', rs)];
    const current = { ...rs, status: written(rs, pods) };
    assert.equal(written(current as ReplicaSet, pods), undefined);
  });

  it('a new generation is written even when the counts are the same', () => {
    const current = { ...rs, status: { replicas: 0, observedGeneration: 1 } };
    assert.equal(written({ ...current, metadata: { ...current.metadata, generation: 2 } }, [])?.observedGeneration, 2);
  });

  it('pods ready for less than minReadySeconds are not available yet, and the set is looked at again when they will be', () => {
    const slow = { ...rs, spec: { ...rs.spec, minReadySeconds: 30 } };
    const pods = [ownedPod('a', slow, undefined, 'default', { readySince: '2026-01-01T11:59:50Z' }), ownedPod('b', slow, undefined, 'default', { readySince: '2026-01-01T11:00:00Z' })];
    const plan = planStatus(slow, pods, undefined, NOW);
    assert.equal(plan.write?.readyReplicas, 2);
    assert.equal(plan.write?.availableReplicas, 1);
    assert.equal(plan.requeueAfterMs, 20_001);
  });

  it('a failing create sets ReplicaFailure (FailedCreate) once, and a pass that succeeds removes it', () => {
    const failed = written(rs, [], 'pods "web-x" is forbidden: quota');
    assert.deepEqual(failed?.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: quota' }]);
    const later = { ...rs, status: failed };
    assert.equal(written(later as ReplicaSet, [], 'another message'), undefined, 'the condition already there is kept as it is');
    assert.equal(written(later as ReplicaSet, [])?.conditions, undefined);
  });
});
