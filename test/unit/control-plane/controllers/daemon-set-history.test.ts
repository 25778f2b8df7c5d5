import assert from 'node:assert/strict';
import type { ControllerRevision, DaemonSet } from '../../../../api/apps-v1';
import { daemonSetRevision, historyToDelete, matchesRevision, planHistory } from '../../../../control-plane/controllers/daemon-set-history';
import { templateOfRevision } from '../../../../control-plane/controllers/framework/controller-history';
import { aDaemonPod, aDaemonSet } from './daemon-set-fixtures';

function withImage(ds: DaemonSet, image: string): DaemonSet {
  return { ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, containers: [{ name: 'c', image }] } } } };
}

function revisionOf(ds: DaemonSet, revision: number): ControllerRevision {
  return daemonSetRevision(ds, revision);
}

describe('daemon set history', () => {
  const v1 = aDaemonSet('agent');
  const v2 = withImage(v1, 'busybox:2');
  const v3 = withImage(v1, 'busybox:3');

  it('a revision is named by the template hash, labelled with it, annotated and owned as the DaemonSet, and holds the template as a replace patch', () => {
    const ds = { ...v1, metadata: { ...v1.metadata, annotations: { 'kubernetes.io/change-cause': 'first' } } };
    const r = revisionOf(ds, 1);
    const hash = r.metadata.labels?.['controller-revision-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(r.metadata.name, `agent-${hash}`);
    assert.deepEqual(r.metadata.labels, { app: 'agent', 'controller-revision-hash': hash });
    assert.deepEqual(r.metadata.annotations, { 'kubernetes.io/change-cause': 'first' });
    assert.equal(r.metadata.ownerReferences?.[0]?.uid, 'uid-ds-agent');
    assert.deepEqual((r.data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');
    assert.deepEqual(templateOfRevision(r), v1.spec.template);
    assert.equal(r.revision, 1);
  });

  it('a collision count changes the name', () => {
    const bumped = { ...v1, status: { ...v1.status!, collisionCount: 1 } };
    assert.notEqual(revisionOf(bumped, 1).metadata.name, revisionOf(v1, 1).metadata.name);
  });

  const cases: { name: string; ds: DaemonSet; revisions: ControllerRevision[]; current?: string; revision: number; old: number[]; duplicates?: number }[] = [
    { name: 'no revision yet: the first is number 1', ds: v1, revisions: [], revision: 1, old: [] },
    { name: 'a new template: the next number after the old ones', ds: v2, revisions: [revisionOf(v1, 1)], revision: 2, old: [1] },
    { name: 'the template already recorded: that revision is current', ds: v2, revisions: [revisionOf(v1, 1), revisionOf(v2, 2)], current: 'v2', revision: 2, old: [1] },
    { name: 'a rollback to an older template makes its revision current, renumbered past the others', ds: v1, revisions: [revisionOf(v1, 1), revisionOf(v2, 2)], current: 'v1', revision: 3, old: [2] },
    { name: 'duplicates of the current template: the highest number is kept', ds: v3, revisions: [{ ...revisionOf(v3, 1), metadata: { ...revisionOf(v3, 1).metadata, name: 'dup' } }, revisionOf(v3, 4), revisionOf(v2, 2)], current: 'v3', revision: 3, old: [2], duplicates: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planHistory(c.ds, c.revisions);
      const named: Record<string, DaemonSet> = { v1, v2, v3 };
      assert.equal(plan.current?.metadata.name, c.current ? revisionOf(named[c.current], 0).metadata.name : undefined);
      assert.equal(plan.revision, c.revision);
      assert.deepEqual(plan.old.map((r) => r.revision), c.old);
      assert.equal(plan.duplicates.length, c.duplicates ?? 0);
      if (plan.current) assert.equal(matchesRevision(c.ds, plan.current), true);
    });
  }

  it('cleanup deletes the oldest revisions beyond revisionHistoryLimit, sparing those a pod still runs', () => {
    const limited = { ...v1, spec: { ...v1.spec, revisionHistoryLimit: 1 } };
    const old = [2, 3, 1, 4].map((n) => revisionOf(withImage(v1, `busybox:old${n}`), n));
    const liveHash = old.find((r) => r.revision === 1)?.metadata.labels?.['controller-revision-hash'] ?? '';
    const doomed = historyToDelete(limited, old, [aDaemonPod('p', limited, 'pi1', { hash: liveHash })]);
    assert.deepEqual(doomed.map((r) => r.revision), [2, 3, 4]);
    assert.deepEqual(historyToDelete({ ...v1, spec: { ...v1.spec, revisionHistoryLimit: 10 } }, old, []), []);
  });
});
