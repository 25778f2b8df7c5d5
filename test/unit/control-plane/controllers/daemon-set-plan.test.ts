import assert from 'node:assert/strict';
import type { DaemonSet } from '../../../../api/apps-v1';
import type { Node, Pod } from '../../../../api/core-v1';
import { planDaemonSet, planDaemonSetStatus, surgeCount, unavailableCount, type DaemonSetState } from '../../../../control-plane/controllers/daemon-set-plan';
import { aDaemonPod, aDaemonSet, aNodeNamed, withStrategy } from './daemon-set-fixtures';

const NOW = new Date('2026-01-01T12:00:00Z');

function state(ds: DaemonSet, nodes: Node[], pods: Pod[], extra: Partial<DaemonSetState> = {}): DaemonSetState {
  return { ds, nodes, pods, hash: 'h2', synced: true, now: NOW, failedBackoffUntil: () => undefined, ...extra };
}

const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name ?? '');
const nodes = (...n: string[]): Node[] => n.map((name) => aNodeNamed(name));

describe('daemon set plan: one pod per eligible node (manage)', () => {
  const ds = aDaemonSet('agent');
  const cases: { name: string; ds?: DaemonSet; nodes: Node[]; pods: Pod[]; synced?: boolean; create: string[]; remove?: string[]; adopt?: string[] }[] = [
    { name: 'creates a pod on every node without one', nodes: nodes('pi1', 'pi2', 'pi3'), pods: [aDaemonPod('a1', ds, 'pi2', { hash: 'h2' })], create: ['pi1', 'pi3'] },
    { name: 'creates only on nodes its nodeSelector matches', ds: { ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, nodeSelector: { disk: 'ssd' } } } } },
      nodes: [aNodeNamed('pi1', { labels: { disk: 'ssd' } }), aNodeNamed('pi2')], pods: [], create: ['pi1'] },
    { name: 'deletes the pod of a node that should no longer run it (misscheduled)', ds: { ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, nodeSelector: { disk: 'ssd' } } } } },
      nodes: [aNodeNamed('pi1')], pods: [aDaemonPod('a1', ds, 'pi1', { hash: 'h2' })], create: [], remove: ['a1'] },
    { name: 'keeps the oldest of two pods on a node and deletes the other', nodes: nodes('pi1'),
      pods: [aDaemonPod('young', ds, 'pi1', { hash: 'h2', created: '2026-01-01T11:00:00Z' }), aDaemonPod('old', ds, 'pi1', { hash: 'h2', created: '2026-01-01T09:00:00Z' })], create: [], remove: ['young'] },
    { name: 'a scheduled pod is kept over an unscheduled older one', nodes: nodes('pi1'),
      pods: [aDaemonPod('pinned', ds, 'pi1', { hash: 'h2', unscheduled: true, created: '2026-01-01T08:00:00Z' }), aDaemonPod('bound', ds, 'pi1', { hash: 'h2' })], create: [], remove: ['pinned'] },
    { name: 'deletes a failed pod (its replacement comes next pass)', nodes: nodes('pi1'), pods: [aDaemonPod('f', ds, 'pi1', { hash: 'h2', phase: 'Failed' })], create: [], remove: ['f'] },
    { name: 'deletes a succeeded pod', nodes: nodes('pi1'), pods: [aDaemonPod('s', ds, 'pi1', { hash: 'h2', phase: 'Succeeded' })], create: [], remove: ['s'] },
    { name: 'a terminating pod still occupies its node', nodes: nodes('pi1'), pods: [aDaemonPod('t', ds, 'pi1', { hash: 'h2', deleting: true })], create: [] },
    { name: 'a finished pod being deleted does not occupy its node', nodes: nodes('pi1'), pods: [aDaemonPod('t', ds, 'pi1', { hash: 'h2', deleting: true, phase: 'Failed' })], create: ['pi1'] },
    { name: 'deletes an unscheduled pod pinned to a node that no longer exists', nodes: nodes('pi1'),
      pods: [aDaemonPod('a1', ds, 'pi1', { hash: 'h2' }), aDaemonPod('gone', ds, 'pi9', { hash: 'h2', unscheduled: true })], create: [], remove: ['gone'] },
    { name: 'leaves a bound pod on a node that no longer exists to the pod garbage collector', nodes: nodes('pi1'),
      pods: [aDaemonPod('a1', ds, 'pi1', { hash: 'h2' }), aDaemonPod('bound', ds, 'pi9', { hash: 'h2' })], create: [] },
    { name: 'adopts a matching orphan, which then counts for its node', nodes: nodes('pi1'), pods: [{ ...aDaemonPod('o', undefined, 'pi1'), metadata: { ...aDaemonPod('o', undefined, 'pi1').metadata, labels: { app: 'agent', 'controller-revision-hash': 'h2' } } }], create: [], adopt: ['o'] },
    { name: 'does nothing while its last writes are not seen (expectations)', nodes: nodes('pi1', 'pi2'), pods: [], synced: false, create: [] },
    { name: 'a DaemonSet being deleted creates nothing', ds: { ...ds, metadata: { ...ds.metadata, deletionTimestamp: '2026-01-01T11:00:00Z' } }, nodes: nodes('pi1'), pods: [], create: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planDaemonSet(state(c.ds ?? ds, c.nodes, c.pods, { synced: c.synced ?? true }));
      assert.ok(plan);
      assert.deepEqual(plan.create, c.create);
      assert.deepEqual(names(plan.delete), c.remove ?? []);
      assert.deepEqual(names(plan.adopt), c.adopt ?? []);
    });
  }

  it('a failed pod in backoff is left for later, and the pass says when to look again', () => {
    const plan = planDaemonSet(state(ds, nodes('pi1'), [aDaemonPod('f', ds, 'pi1', { hash: 'h2', phase: 'Failed' })], { failedBackoffUntil: (key) => (key === 'uid-ds-agent/0/pi1' ? NOW.getTime() + 4000 : undefined) }));
    assert.deepEqual(names(plan?.delete ?? []), []);
    assert.equal(plan?.requeueAfterMs, 4000);
  });

  it('reports the failed and succeeded pods it deletes, with the backoff key', () => {
    const plan = planDaemonSet(state(ds, nodes('pi1', 'pi2'), [aDaemonPod('f', ds, 'pi1', { hash: 'h2', phase: 'Failed' }), aDaemonPod('s', ds, 'pi2', { hash: 'h2', phase: 'Succeeded' })]));
    assert.deepEqual(plan?.failed.map((f) => [f.pod.metadata.name, f.node, f.backoffKey]), [['f', 'pi1', 'uid-ds-agent/0/pi1']]);
    assert.deepEqual(plan?.succeeded.map((s) => [s.pod.metadata.name, s.node]), [['s', 'pi2']]);
  });
});

describe('daemon set plan: maxUnavailable and maxSurge of the desired number', () => {
  const cases: { name: string; unavailable: number | string; surge: number | string; desired: number; wantUnavailable: number; wantSurge: number }[] = [
    { name: 'integers as they are', unavailable: 2, surge: 0, desired: 5, wantUnavailable: 2, wantSurge: 0 },
    { name: 'a percentage of maxUnavailable rounds up (unlike a Deployment)', unavailable: '30%', surge: 0, desired: 5, wantUnavailable: 2, wantSurge: 0 },
    { name: 'a percentage of maxSurge rounds up', unavailable: 0, surge: '10%', desired: 5, wantUnavailable: 0, wantSurge: 1 },
    { name: '100% surge is every node', unavailable: 0, surge: '100%', desired: 3, wantUnavailable: 0, wantSurge: 3 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ds = withStrategy(aDaemonSet('agent'), c.unavailable, c.surge);
      assert.equal(unavailableCount(ds, c.desired), c.wantUnavailable);
      assert.equal(surgeCount(ds, c.desired), c.wantSurge);
    });
  }

  it('OnDelete has neither', () => {
    const ds = { ...aDaemonSet('agent'), spec: { ...aDaemonSet('agent').spec, updateStrategy: { type: 'OnDelete' as const } } };
    assert.equal(unavailableCount(ds, 5), 0);
    assert.equal(surgeCount(ds, 5), 0);
  });
});

describe('daemon set plan: rolling update steps', () => {
  const ds = aDaemonSet('agent');
  const old = (name: string, node: string, shape = {}): Pod => aDaemonPod(name, ds, node, { hash: 'h1', ...shape });
  const fresh = (name: string, node: string, shape = {}): Pod => aDaemonPod(name, ds, node, { hash: 'h2', ...shape });
  const five = nodes('pi1', 'pi2', 'pi3', 'pi4', 'pi5');
  const allOld = [old('o1', 'pi1'), old('o2', 'pi2'), old('o3', 'pi3'), old('o4', 'pi4'), old('o5', 'pi5')];
  const cases: { name: string; ds: DaemonSet; nodes?: Node[]; pods: Pod[]; create?: string[]; remove?: string[] }[] = [
    { name: 'maxUnavailable 1: deletes one old pod to start', ds: withStrategy(ds, 1, 0), pods: allOld, remove: ['o1'] },
    { name: 'maxUnavailable 2: deletes two', ds: withStrategy(ds, 2, 0), pods: allOld, remove: ['o1', 'o2'] },
    { name: 'maxUnavailable 30% of 5 rounds up to 2', ds: withStrategy(ds, '30%', 0), pods: allOld, remove: ['o1', 'o2'] },
    { name: 'waits while a new pod is not yet available', ds: withStrategy(ds, 1, 0), pods: [fresh('n1', 'pi1', { ready: false }), ...allOld.slice(1)], remove: [] },
    { name: 'goes on once the new pod is available', ds: withStrategy(ds, 1, 0), pods: [fresh('n1', 'pi1'), ...allOld.slice(1)], remove: ['o2'] },
    { name: 'a node whose old pod is still terminating counts as unavailable', ds: withStrategy(ds, 1, 0), pods: [old('o1', 'pi1', { deleting: true }), ...allOld.slice(1)], remove: [] },
    { name: 'an old pod that is not available is replaced at once, beyond maxUnavailable', ds: withStrategy(ds, 1, 0),
      pods: [old('o1', 'pi1', { ready: false }), old('o2', 'pi2', { ready: false }), ...allOld.slice(2)], remove: ['o1', 'o2'] },
    { name: 'minReadySeconds: a new pod ready for less is not available yet', ds: { ...withStrategy(ds, 1, 0), spec: { ...withStrategy(ds, 1, 0).spec, minReadySeconds: 30 } },
      pods: [fresh('n1', 'pi1', { readySince: '2026-01-01T11:59:50Z' }), ...allOld.slice(1)], remove: [] },
    { name: 'nothing to do once every pod is new', ds: withStrategy(ds, 1, 0), pods: [fresh('n1', 'pi1'), fresh('n2', 'pi2'), fresh('n3', 'pi3'), fresh('n4', 'pi4'), fresh('n5', 'pi5')], remove: [] },
    { name: 'maxSurge 1: starts one new pod beside an old one', ds: withStrategy(ds, 0, 1), pods: allOld, create: ['pi1'] },
    { name: 'maxSurge 40% of 5 rounds up to 2', ds: withStrategy(ds, 0, '40%'), pods: allOld, create: ['pi1', 'pi2'] },
    { name: 'surge: waits while the surged pod is not available', ds: withStrategy(ds, 0, 1), pods: [...allOld, fresh('n1', 'pi1', { ready: false })], create: [] },
    { name: 'surge: deletes the old pod once the new one is available, and surges on the next node', ds: withStrategy(ds, 0, 1),
      pods: [...allOld, fresh('n1', 'pi1')], remove: ['o1'] },
    { name: 'surge: a new pod comes at once where the old one is not available, not counted against maxSurge', ds: withStrategy(ds, 0, 1),
      pods: [old('o1', 'pi1', { ready: false }), old('o2', 'pi2', { ready: false }), ...allOld.slice(2)], create: ['pi1', 'pi2', 'pi3'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planDaemonSet(state(c.ds, c.nodes ?? five, c.pods));
      assert.ok(plan);
      assert.deepEqual(plan.create, c.create ?? []);
      assert.deepEqual(names(plan.delete), c.remove ?? []);
    });
  }

  it('surge: with both pods on a node, the manage loop removes the old one when the new one is available', () => {
    const plan = planDaemonSet(state(withStrategy(ds, 0, 1), nodes('pi1'), [old('o1', 'pi1'), fresh('n1', 'pi1')]));
    assert.deepEqual(names(plan?.delete ?? []), ['o1']);
  });

  it('surge: the old pod stays beside a new one that is not ready yet, and goes at once if it is not ready itself', () => {
    assert.deepEqual(names(planDaemonSet(state(withStrategy(ds, 0, 1), nodes('pi1'), [old('o1', 'pi1'), fresh('n1', 'pi1', { ready: false })]))?.delete ?? []), []);
    assert.deepEqual(names(planDaemonSet(state(withStrategy(ds, 0, 1), nodes('pi1'), [old('o1', 'pi1', { ready: false }), fresh('n1', 'pi1', { ready: false })]))?.delete ?? []), ['o1']);
  });

  it('OnDelete replaces nothing: old pods stay until someone deletes them, then the new template is used', () => {
    const onDelete = { ...ds, spec: { ...ds.spec, updateStrategy: { type: 'OnDelete' as const } } };
    assert.deepEqual(planDaemonSet(state(onDelete, five, allOld))?.delete, []);
    assert.deepEqual(planDaemonSet(state(onDelete, five, allOld.slice(1)))?.create, ['pi1']);
  });

  it('does not roll while manage has work (a node to fill)', () => {
    const plan = planDaemonSet(state(withStrategy(ds, 1, 0), five, allOld.slice(1)));
    assert.deepEqual(plan?.create, ['pi1']);
    assert.deepEqual(plan?.delete, []);
  });
});

describe('daemon set plan: status', () => {
  const ds = aDaemonSet('agent', {}, { generation: 2, observedGeneration: 1 });
  it('counts desired, current, ready, available, up to date, misscheduled and unavailable nodes', () => {
    const selective = { ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, spec: { ...ds.spec.template.spec, nodeSelector: { role: 'edge' } } } } };
    const edge = (name: string): Node => aNodeNamed(name, { labels: { role: 'edge' } });
    const pods = [aDaemonPod('a', ds, 'pi1', { hash: 'h2' }), aDaemonPod('b', ds, 'pi2', { hash: 'h1', ready: false }), aDaemonPod('c', ds, 'pi4', { hash: 'h2' })];
    const s = state(selective, [edge('pi1'), edge('pi2'), edge('pi3'), aNodeNamed('pi4')], pods);
    assert.deepEqual(planDaemonSetStatus(s, pods, true).write, {
      desiredNumberScheduled: 3, currentNumberScheduled: 2, numberMisscheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2, observedGeneration: 2,
    });
  });

  it('writes nothing when the stored status is right (an idle cluster is quiet)', () => {
    const pods = [aDaemonPod('a', ds, 'pi1', { hash: 'h2' })];
    const settled = { ...ds, status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, observedGeneration: 2 } };
    assert.equal(planDaemonSetStatus(state(settled, nodes('pi1'), pods), pods, true).write, undefined);
  });

  it('does not raise observedGeneration while its writes are unseen', () => {
    const pods = [aDaemonPod('a', ds, 'pi1', { hash: 'h2' })];
    assert.equal(planDaemonSetStatus(state(ds, nodes('pi1'), pods), pods, false).write?.observedGeneration, 1);
  });

  it('looks again after minReadySeconds while ready pods are not yet available', () => {
    const slow = { ...ds, spec: { ...ds.spec, minReadySeconds: 10 } };
    const pods = [aDaemonPod('a', ds, 'pi1', { hash: 'h2', readySince: '2026-01-01T11:59:59Z' })];
    const plan = planDaemonSetStatus(state(slow, nodes('pi1'), pods), pods, true);
    assert.equal(plan.write?.numberAvailable, undefined);
    assert.equal(plan.write?.numberUnavailable, 1);
    assert.equal(plan.requeueAfterMs, 10_000);
  });
});
