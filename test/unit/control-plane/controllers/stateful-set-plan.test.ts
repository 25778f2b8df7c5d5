import assert from 'node:assert/strict';
import type { ControllerRevision, StatefulSet, StatefulSetSpec } from '../../../../api/apps-v1';
import type { PersistentVolumeClaim, Pod } from '../../../../api/core-v1';
import { newControllerRevision } from '../../../../control-plane/controllers/framework/controller-history';
import { planStatefulSet, statusChanged, type StatefulSetAction, type StatefulSetState } from '../../../../control-plane/controllers/stateful-set-plan';
import { newStatefulSetPod } from '../../../../control-plane/controllers/stateful-set-pods';
import { planUpdateRevision, revisionsToTruncate } from '../../../../control-plane/controllers/stateful-set-revisions';

const NOW = new Date('2026-01-01T12:00:00Z');

function aSet(replicas: number, spec: Partial<StatefulSetSpec> = {}, image = 'web:1'): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1 },
    spec: {
      replicas, serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } }, podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image }] } },
      ...spec,
    },
  };
}

function revisionOf(set: StatefulSet, n: number): ControllerRevision {
  return { ...newControllerRevision(set, n), metadata: { ...newControllerRevision(set, n).metadata, uid: `uid-rev-${n}` } };
}

type PodState = 'ready' | 'running' | 'pending' | 'failed' | 'terminating' | 'fresh';

/** A pod of ordinal `ordinal` as the API holds it, made from `set` at `revision`. */
function podAt(set: StatefulSet, ordinal: number, revision: ControllerRevision, state: PodState = 'ready'): Pod {
  const pod = newStatefulSetPod(set, ordinal, revision.metadata.name ?? '');
  const readySince = state === 'fresh' ? NOW.toISOString() : '2026-01-01T11:00:00Z';
  const phase = state === 'pending' ? 'Pending' : state === 'failed' ? 'Failed' : 'Running';
  const ready = state === 'ready' || state === 'terminating' || state === 'fresh';
  return {
    ...pod,
    metadata: { ...pod.metadata, uid: `uid-${pod.metadata.name ?? ''}`, ...(state === 'terminating' ? { deletionTimestamp: '2026-01-01T11:59:00Z' } : {}) },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: readySince }] },
  };
}

function state(set: StatefulSet, pods: Pod[], extra: Partial<StatefulSetState> = {}): StatefulSetState {
  const rev = revisionOf(set, 1);
  return { set, pods, claimOf: () => undefined, currentRevision: rev, updateRevision: rev, collisionCount: 0, synced: true, now: NOW, ...extra };
}

function describeAction(a: StatefulSetAction): string {
  const name = a.pod.metadata.name ?? '';
  if (a.op === 'create' && a.claims.length > 0) return `create ${name} after ${a.claims.map((c) => c.metadata.name).join(',')}`;
  return `${a.op} ${name}`;
}

function actions(s: StatefulSetState): string[] {
  const plan = planStatefulSet(s);
  assert.ok(plan);
  return plan.actions.map(describeAction);
}

describe('stateful set plan: ordered creation and scale-down (OrderedReady)', () => {
  const set3 = aSet(3);
  const rev = revisionOf(set3, 1);
  const p = (o: number, st: PodState = 'ready'): Pod => podAt(set3, o, rev, st);
  const cases: { name: string; set?: StatefulSet; pods: Pod[]; want: string[] }[] = [
    { name: 'creates web-0 first and nothing else', pods: [], want: ['create web-0'] },
    { name: 'waits while web-0 is pending', pods: [p(0, 'pending')], want: [] },
    { name: 'waits while web-0 runs but is not ready', pods: [p(0, 'running')], want: [] },
    { name: 'creates web-1 once web-0 is running and ready', pods: [p(0)], want: ['create web-1'] },
    { name: 'creates the missing web-1 before anything above it', pods: [p(0), p(2)], want: ['create web-1'] },
    { name: 'deletes a failed pod and waits for it to go', pods: [p(0), p(1, 'failed')], want: ['delete web-1'] },
    { name: 'waits for a terminating pod', pods: [p(0, 'terminating'), p(1)], want: [] },
    { name: 'does nothing when every pod is ready', pods: [p(0), p(1), p(2)], want: [] },
    { name: 'scales down from the highest ordinal, one at a time', set: aSet(1), pods: [p(0), p(1), p(2)], want: ['delete web-2'] },
    { name: 'waits while the condemned pod above is terminating', set: aSet(1), pods: [p(0), p(1), p(2, 'terminating')], want: [] },
    { name: 'does not delete a condemned pod while a lower one is unhealthy', set: aSet(1), pods: [p(0, 'running'), p(1), p(2)], want: [] },
    { name: 'deletes a condemned pod that is itself the first unhealthy one', set: aSet(2), pods: [p(0), p(1), p(2, 'running')], want: ['delete web-2'] },
    { name: 'scales to zero in reverse order', set: aSet(0), pods: [p(0), p(1)], want: ['delete web-1'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(actions(state(c.set ?? set3, c.pods)), c.want));

  it('waits minReadySeconds for a just-ready pod before the next, and says when to look again', () => {
    const set = aSet(3, { minReadySeconds: 10 });
    const plan = planStatefulSet(state(set, [podAt(set, 0, rev, 'fresh')]));
    assert.deepEqual(plan?.actions, []);
    assert.equal(plan?.requeueAfterMs, 10_001);
    assert.equal(plan?.status.availableReplicas, 0);
    assert.deepEqual(actions(state(set, [podAt(set, 0, rev, 'ready')])), ['create web-1']);
  });

  it('acts on nothing before its own writes are seen, but still counts', () => {
    const plan = planStatefulSet(state(set3, [p(0)], { synced: false }));
    assert.deepEqual(plan?.actions, []);
    assert.equal(plan?.status.replicas, 1);
  });

  it('a set being deleted only counts its pods', () => {
    const deleting = { ...set3, metadata: { ...set3.metadata, deletionTimestamp: '2026-01-01T11:00:00Z' } };
    assert.deepEqual(actions(state(deleting, [p(0)])), []);
  });
});

describe('stateful set plan: Parallel and ordinals', () => {
  it('creates every missing pod at once and deletes every condemned pod at once', () => {
    const set = aSet(3, { podManagementPolicy: 'Parallel' });
    const rev = revisionOf(set, 1);
    assert.deepEqual(actions(state(set, [podAt(set, 1, rev, 'pending')])), ['create web-0', 'create web-2']);
    const down = aSet(1, { podManagementPolicy: 'Parallel' });
    assert.deepEqual(actions(state(down, [podAt(set, 0, rev), podAt(set, 1, rev, 'running'), podAt(set, 2, rev)])), ['delete web-2', 'delete web-1']);
    assert.equal(planStatefulSet(state(set, []))?.parallel, true);
  });

  it('numbers pods from spec.ordinals.start and condemns pods below it', () => {
    const set = aSet(2, { ordinals: { start: 5 } });
    const rev = revisionOf(set, 1);
    assert.deepEqual(actions(state(set, [])), ['create web-5']);
    assert.deepEqual(actions(state(set, [podAt(set, 5, rev), podAt(set, 6, rev), podAt(set, 0, rev)])), ['delete web-0']);
  });

  it('gives a pod its identity: hostname, subdomain, pod-name, pod-index and revision labels, an owner', () => {
    const plan = planStatefulSet(state(aSet(1), []));
    const pod = plan?.actions[0]?.pod;
    assert.equal(pod?.metadata.name, 'web-0');
    assert.equal(pod?.spec.hostname, 'web-0');
    assert.equal(pod?.spec.subdomain, 'nginx');
    assert.deepEqual(pod?.metadata.labels, { app: 'nginx', 'controller-revision-hash': revisionOf(aSet(1), 1).metadata.name, 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0' });
    assert.deepEqual(pod?.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
  });

  it('leaves pods of another name alone, and adopts orphans of its name that its selector matches', () => {
    const set = aSet(1);
    const rev = revisionOf(set, 1);
    const orphan = podAt(set, 0, rev);
    const stranger = { ...podAt(set, 0, rev), metadata: { ...orphan.metadata, name: 'db-0', uid: 'uid-db-0' } };
    const plan = planStatefulSet(state(set, [{ ...orphan, metadata: { ...orphan.metadata, ownerReferences: undefined } }, stranger]));
    assert.deepEqual(plan?.adopt.map((p) => p.metadata.name), ['web-0']);
    assert.deepEqual(plan?.actions, []);
  });
});

describe('stateful set plan: updates', () => {
  const v1 = aSet(3);
  const v2 = aSet(3, {}, 'web:2');
  const r1 = revisionOf(v1, 1);
  const r2 = revisionOf(v2, 2);
  const old = (o: number, st: PodState = 'ready'): Pod => podAt(v1, o, r1, st);
  const neu = (o: number, st: PodState = 'ready'): Pod => podAt(v2, o, r2, st);
  const rolling = (set: StatefulSet, pods: Pod[]): StatefulSetState => state(set, pods, { currentRevision: r1, updateRevision: r2 });
  const cases: { name: string; set?: StatefulSet; pods: Pod[]; want: string[] }[] = [
    { name: 'deletes the highest ordinal first', pods: [old(0), old(1), old(2)], want: ['delete web-2'] },
    { name: 'then the next one down once the updated pod is healthy', pods: [old(0), old(1), neu(2)], want: ['delete web-1'] },
    { name: 'waits while the updated pod is not ready yet', pods: [old(0), old(1), neu(2, 'running')], want: [] },
    { name: 'recreates a deleted pod from the update revision', pods: [old(0), old(1)], want: ['create web-2'] },
    { name: 'stops at the partition', set: aSet(3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, 'web:2'), pods: [old(0), old(1), neu(2)], want: [] },
    { name: 'deletes nothing under OnDelete', set: aSet(3, { updateStrategy: { type: 'OnDelete' } }, 'web:2'), pods: [old(0), old(1), old(2)], want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(actions(rolling(c.set ?? v2, c.pods)), c.want));

  it('recreates a pod below the partition from the current revision, at or above it from the update revision', () => {
    const partitioned = aSet(3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, 'web:2');
    const below = planStatefulSet(rolling(partitioned, [old(1), neu(2)]))?.actions[0]?.pod;
    assert.equal(below?.spec.containers[0]?.image, 'web:1');
    assert.equal(below?.metadata.labels?.['controller-revision-hash'], r1.metadata.name);
    const above = planStatefulSet(rolling(v2, [old(0), old(1)]))?.actions[0]?.pod;
    assert.equal(above?.spec.containers[0]?.image, 'web:2');
  });

  it('counts current and updated pods, and completes the update once all are updated and ready', () => {
    const during = planStatefulSet(rolling(v2, [old(0), old(1), neu(2)]))?.status;
    assert.deepEqual(during, { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 1, updatedReplicas: 1, currentRevision: r1.metadata.name, updateRevision: r2.metadata.name, collisionCount: 0, availableReplicas: 3 });
    const done = planStatefulSet(rolling(v2, [neu(0), neu(1), neu(2)]))?.status;
    assert.deepEqual(done, { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: r2.metadata.name, updateRevision: r2.metadata.name, collisionCount: 0, availableReplicas: 3 });
    assert.equal(statusChanged(done, { ...(done ?? { replicas: 0 }) }), false);
    assert.equal(statusChanged(during, done ?? { replicas: 0 }), true);
  });

  it('keeps, renumbers (a rollback) or creates the update revision', () => {
    assert.deepEqual(planUpdateRevision(v1, [r1]), { op: 'keep', revision: r1 });
    assert.equal(planUpdateRevision(v2, [r1]).op, 'create');
    assert.equal(planUpdateRevision(v2, [r1]).revision.revision, 2);
    assert.deepEqual(planUpdateRevision(v1, [r1, r2]), { op: 'renumber', revision: r1, to: 3 });
  });

  it('truncates history beyond the limit, oldest first, never a live revision', () => {
    const sets = [1, 2, 3, 4].map((n) => aSet(3, {}, `web:${n}`));
    const revs = sets.map((s, i) => revisionOf(s, i + 1));
    const limited = aSet(3, { revisionHistoryLimit: 1 });
    const pods = [podAt(sets[1] ?? v1, 0, revs[1] ?? r1)];
    assert.deepEqual(revisionsToTruncate(limited, pods, revs, revs[3] ?? r1, revs[3] ?? r1).map((r) => r.revision), [1]);
    assert.deepEqual(revisionsToTruncate(aSet(3), pods, revs, revs[3] ?? r1, revs[3] ?? r1), []);
  });
});

describe('stateful set plan: volumeClaimTemplates and the retention policy', () => {
  const template: PersistentVolumeClaim = { metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  const withClaims = (policy: { whenDeleted: 'Retain' | 'Delete'; whenScaled: 'Retain' | 'Delete' }, replicas = 2): StatefulSet =>
    aSet(replicas, { volumeClaimTemplates: [template], persistentVolumeClaimRetentionPolicy: policy });
  const retain = withClaims({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  const rev = revisionOf(retain, 1);
  const lookup = (claims: PersistentVolumeClaim[]) => (ns: string, name: string) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name);
  const stored = (name: string, refs?: PersistentVolumeClaim['metadata']['ownerReferences'], deleting = false): PersistentVolumeClaim => ({
    ...template, metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(refs ? { ownerReferences: refs } : {}), ...(deleting ? { deletionTimestamp: '2026-01-01T11:00:00Z' } : {}) },
  });

  it('creates the claim <template>-<set>-<ordinal> before its pod, labelled with the selector, mounted by the pod', () => {
    const plan = planStatefulSet(state(retain, []));
    const action = plan?.actions[0];
    assert.equal(action && describeAction(action), 'create web-0 after www-web-0');
    assert.ok(action?.op === 'create');
    assert.deepEqual(action.claims[0]?.metadata, { name: 'www-web-0', namespace: 'default', labels: { app: 'nginx' } });
    assert.deepEqual(action.claims[0]?.spec, template.spec);
    assert.deepEqual(action.pod.spec.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
  });

  it('does not create a claim that exists (it outlives its pod), and waits for one being deleted', () => {
    assert.deepEqual(actions(state(retain, [], { claimOf: lookup([stored('www-web-0')]) })), ['create web-0']);
    assert.deepEqual(actions(state(retain, [], { claimOf: lookup([stored('www-web-0', undefined, true)]) })), []);
  });

  it('creates a pending pod\'s missing claim', () => {
    assert.deepEqual(actions(state(retain, [podAt(retain, 0, rev, 'pending')])), ['createClaims web-0']);
  });

  const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true };
  const podRef = (n: number) => ({ apiVersion: 'v1', kind: 'Pod', name: `web-${n}`, uid: `uid-web-${n}`, controller: true, blockOwnerDeletion: true });
  const policyCases: { name: string; policy: { whenDeleted: 'Retain' | 'Delete'; whenScaled: 'Retain' | 'Delete' }; ordinal: number; want: unknown }[] = [
    { name: 'Retain/Retain: no reference', policy: { whenDeleted: 'Retain', whenScaled: 'Retain' }, ordinal: 1, want: undefined },
    { name: 'whenDeleted Delete: the set controls the claim', policy: { whenDeleted: 'Delete', whenScaled: 'Retain' }, ordinal: 1, want: [setRef] },
    { name: 'whenScaled Delete: a scaled-away pod controls its claim', policy: { whenDeleted: 'Retain', whenScaled: 'Delete' }, ordinal: 1, want: [podRef(1)] },
    { name: 'both Delete: the set in range', policy: { whenDeleted: 'Delete', whenScaled: 'Delete' }, ordinal: 0, want: [setRef] },
    { name: 'both Delete: the pod once scaled away', policy: { whenDeleted: 'Delete', whenScaled: 'Delete' }, ordinal: 1, want: [podRef(1)] },
  ];
  for (const c of policyCases) {
    it(`sets claim references per policy — ${c.name}`, () => {
      const set = withClaims(c.policy, 1);
      const pods = [podAt(set, 0, rev), podAt(set, 1, rev)];
      const claims = [stored('www-web-0', c.ordinal === 0 ? undefined : [setRef]), stored('www-web-1', c.ordinal === 0 ? [setRef] : undefined)];
      const plan = planStatefulSet(state(set, pods, { claimOf: lookup(claims) }));
      const reowned = plan?.actions.flatMap((a) => (a.op === 'update' || a.op === 'reown' ? a.reown : [])).find((cl) => cl.metadata.name === `www-web-${c.ordinal}`);
      const expectedChange = JSON.stringify(claims[c.ordinal]?.metadata.ownerReferences) !== JSON.stringify(c.want);
      assert.equal(reowned !== undefined, expectedChange, JSON.stringify(plan?.actions.map(describeAction)));
      if (reowned) assert.deepEqual(reowned.metadata.ownerReferences, c.want);
    });
  }

  it('leaves a claim controlled by something else alone', () => {
    const set = withClaims({ whenDeleted: 'Delete', whenScaled: 'Retain' }, 1);
    const foreign = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'uid-x', controller: true };
    assert.deepEqual(actions(state(set, [podAt(set, 0, rev)], { claimOf: lookup([stored('www-web-0', [foreign])]) })), []);
  });

  it('waits to recreate a pod while its claim still refers to the earlier pod of its name', () => {
    const set = withClaims({ whenDeleted: 'Retain', whenScaled: 'Delete' }, 2);
    const stale = stored('www-web-1', [{ ...podRef(1), uid: 'uid-old-web-1' }]);
    assert.deepEqual(actions(state(set, [podAt(set, 0, rev)], { claimOf: lookup([stored('www-web-0'), stale]) })), []);
  });
});
