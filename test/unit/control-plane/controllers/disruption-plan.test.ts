import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import type { OwnerReference } from '../../../../api/meta';
import type { PodDisruptionBudget } from '../../../../api/policy-v1';
import {
  countHealthy, disruptedPods, expectedPodCount, failSafeStatus, goSelectorValue, nextStatus, planDisruption, podsOf, type OwnerScale, type ScaleFinder,
} from '../../../../control-plane/controllers/disruption-plan';

const NOW = new Date('2026-12-07T10:00:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');

function aBudget(spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status'], generation = 1): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default', generation }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, status };
}

function owned(kind: string, name: string, uid = `uid-${name}`): OwnerReference {
  return { apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true };
}

function aPod(name: string, opts: { ready?: boolean; owner?: OwnerReference; deleting?: boolean; app?: string; namespace?: string } = {}): Pod {
  const { ready = true, owner = owned('ReplicaSet', 'web'), deleting = false, app = 'web', namespace = 'default' } = opts;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, labels: { app }, ownerReferences: owner.name === '-' ? undefined : [owner], ...(deleting ? { deletionTimestamp: ago(0) } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const NO_OWNER = { apiVersion: '', kind: '', name: '-', uid: '' };

/** Owners by uid, as the informer-backed finder resolves them (a Deployment's scale already substituted). */
function finder(scales: Record<string, OwnerScale>): ScaleFinder {
  return (ref) => scales[ref.uid];
}

const pods = (n: number, owner?: OwnerReference): Pod[] => Array.from({ length: n }, (_, i) => aPod(`web-${i}`, { owner }));

describe('disruption plan: expected and desired pod counts (getExpectedPodCount)', () => {
  const rs3 = finder({ 'uid-web': { uid: 'uid-web', replicas: 3 } });
  const cases: [string, PodDisruptionBudget['spec'], Pod[], ScaleFinder, ReturnType<typeof expectedPodCount>][] = [
    ['an integer minAvailable counts the pods themselves', { minAvailable: 2 }, pods(3), rs3, { expectedCount: 3, desiredHealthy: 2, unmanaged: [] }],
    ['an integer minAvailable needs no owner (unmanaged pods are fine)', { minAvailable: 1 }, pods(2, NO_OWNER), finder({}), { expectedCount: 2, desiredHealthy: 1, unmanaged: [] }],
    ['minAvailable 50% of 3 rounds up to 2', { minAvailable: '50%' }, pods(3), rs3, { expectedCount: 3, desiredHealthy: 2, unmanaged: [] }],
    ['minAvailable 10% of 5 rounds up to 1', { minAvailable: '10%' }, pods(5), finder({ 'uid-web': { uid: 'uid-web', replicas: 5 } }), { expectedCount: 5, desiredHealthy: 1, unmanaged: [] }],
    ['a percentage counts the owner scale, not the pods present', { minAvailable: '100%' }, pods(2), finder({ 'uid-web': { uid: 'uid-web', replicas: 4 } }), { expectedCount: 4, desiredHealthy: 4, unmanaged: [] }],
    ['maxUnavailable 1 of 3 leaves 2 desired', { maxUnavailable: 1 }, pods(3), rs3, { expectedCount: 3, desiredHealthy: 2, unmanaged: [] }],
    ['maxUnavailable 50% of 3 rounds up to 2 unavailable', { maxUnavailable: '50%' }, pods(3), rs3, { expectedCount: 3, desiredHealthy: 1, unmanaged: [] }],
    ['maxUnavailable 34% of 3 rounds 1.02 up to 2', { maxUnavailable: '34%' }, pods(3), rs3, { expectedCount: 3, desiredHealthy: 1, unmanaged: [] }],
    ['maxUnavailable above the scale never desires below 0', { maxUnavailable: 5 }, pods(3), rs3, { expectedCount: 3, desiredHealthy: 0, unmanaged: [] }],
    ['two owners add up, each counted once', { maxUnavailable: 0 }, [...pods(2), aPod('db-0', { owner: owned('StatefulSet', 'db') })],
      finder({ 'uid-web': { uid: 'uid-web', replicas: 2 }, 'uid-db': { uid: 'uid-db', replicas: 3 } }), { expectedCount: 5, desiredHealthy: 5, unmanaged: [] }],
    ['pods without a controller are reported unmanaged', { maxUnavailable: 1 }, [...pods(2), aPod('bare', { owner: NO_OWNER })], rs3, { expectedCount: 3, desiredHealthy: 2, unmanaged: ['bare'] }],
    ['an owner not found is an error', { maxUnavailable: 1 }, pods(1), finder({}), { error: 'found no controllers for pod "web-0"' }],
    ['neither bound expects nothing', {}, pods(3), rs3, { expectedCount: 0, desiredHealthy: 0, unmanaged: [] }],
  ];
  for (const [name, spec, podList, find, expected] of cases) {
    it(name, () => assert.deepEqual(expectedPodCount(aBudget(spec), podList, find), expected));
  }
});

describe('disruption plan: the pods of a budget (getPodsForPdb)', () => {
  const cases: [string, PodDisruptionBudget['spec'], string[]][] = [
    ['matching labels in its namespace', {}, ['web-0']],
    ['an empty selector selects nothing in policy/v1', { selector: {} }, []],
    ['an unset selector selects nothing', { selector: undefined }, []],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => {
      const all = [aPod('web-0'), aPod('db-0', { app: 'db' }), aPod('web-x', { namespace: 'other' })];
      assert.deepEqual(podsOf(aBudget(spec), all).map((p) => p.metadata.name), expected);
    });
  }
});

describe('disruption plan: granted evictions (buildDisruptedPodMap, 2-minute expiry)', () => {
  it('keeps a fresh grant and asks to be rechecked when it expires', () => {
    const pdb = aBudget({ minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptedPods: { 'web-0': ago(60) } });
    const result = disruptedPods(pdb, pods(2), NOW);
    assert.deepEqual(result.pods, { 'web-0': ago(60) });
    assert.equal(result.recheckAt, NOW.getTime() + 60_000);
    assert.deepEqual(result.expired, []);
  });
  it('drops a grant older than 2 minutes and names the pod that was not deleted', () => {
    const pdb = aBudget({ minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2, disruptedPods: { 'web-0': ago(121), 'web-1': ago(30) } });
    const result = disruptedPods(pdb, pods(2), NOW);
    assert.deepEqual(result.pods, { 'web-1': ago(30) });
    assert.deepEqual(result.expired.map((p) => p.metadata.name), ['web-0']);
    assert.equal(result.recheckAt, NOW.getTime() + 90_000);
  });
  it('forgets grants of pods that are gone or being deleted', () => {
    const pdb = aBudget({ minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2, disruptedPods: { gone: ago(5), 'web-0': ago(5) } });
    const result = disruptedPods(pdb, [aPod('web-0', { deleting: true })], NOW);
    assert.deepEqual(result, { pods: {}, expired: [], recheckAt: undefined });
  });
});

describe('disruption plan: healthy pods (countHealthyPods)', () => {
  const cases: [string, Pod[], Record<string, string>, number][] = [
    ['ready pods count', pods(3), {}, 3],
    ['unready pods do not', [aPod('a'), aPod('b', { ready: false })], {}, 1],
    ['deleting pods do not', [aPod('a'), aPod('b', { deleting: true })], {}, 1],
    ['a pod with a pending grant does not', [aPod('a'), aPod('b')], { b: ago(10) }, 1],
    ['a pod whose grant expired counts again', [aPod('a'), aPod('b')], { b: ago(121) }, 2],
  ];
  for (const [name, list, disrupted, expected] of cases) it(name, () => assert.equal(countHealthy(list, disrupted, NOW), expected));
});

describe('disruption plan: the status (updatePdbStatus)', () => {
  const counts = { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptedPods: {} };
  it('allows the healthy pods above the desired ones, with DisruptionAllowed True/SufficientPods', () => {
    assert.deepEqual(nextStatus(aBudget({ minAvailable: 2 }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }), counts, NOW), {
      observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2026-12-07T10:00:00Z' }],
    });
  });
  it('allows nothing when fewer are healthy than desired (False/InsufficientPods)', () => {
    const status = nextStatus(aBudget({ minAvailable: 3 }), { ...counts, currentHealthy: 2, desiredHealthy: 3 }, NOW);
    assert.equal(status?.disruptionsAllowed, 0);
    assert.deepEqual(status?.conditions?.map((c) => [c.status, c.reason]), [['False', 'InsufficientPods']]);
  });
  it('allows nothing while no pod is expected', () => {
    assert.equal(nextStatus(aBudget({ minAvailable: 0 }), { currentHealthy: 2, desiredHealthy: 0, expectedPods: 0, disruptedPods: {} }, NOW)?.disruptionsAllowed, 0);
  });
  it('returns nothing to write when the stored status says it all', () => {
    const first = nextStatus(aBudget({ minAvailable: 2 }), counts, NOW);
    assert.equal(nextStatus(aBudget({ minAvailable: 2 }, first), counts, new Date(NOW.getTime() + 60_000)), undefined);
  });
  it('writes again when the generation moved on, keeping the condition transition time when its status holds', () => {
    const first = nextStatus(aBudget({ minAvailable: 2 }), counts, NOW);
    const next = nextStatus(aBudget({ minAvailable: 2 }, first, 2), counts, new Date(NOW.getTime() + 60_000));
    assert.equal(next?.observedGeneration, 2);
    assert.deepEqual(next?.conditions?.map((c) => [c.observedGeneration, c.lastTransitionTime]), [[2, '2026-12-07T10:00:00Z']]);
  });
  it('records pending grants and writes when one expires', () => {
    const withGrant = nextStatus(aBudget({ minAvailable: 2 }), { ...counts, disruptedPods: { 'web-0': ago(1) } }, NOW);
    assert.deepEqual(withGrant?.disruptedPods, { 'web-0': ago(1) });
    assert.equal(nextStatus(aBudget({ minAvailable: 2 }, withGrant), counts, NOW)?.disruptedPods, undefined);
  });
});

describe('disruption plan: a whole pass', () => {
  it('reports a budget over a ReplicaSet of 3 with minAvailable 2 as allowing 1 disruption', () => {
    const plan = planDisruption({ pdb: aBudget({ minAvailable: 2 }), pods: pods(3), findScale: finder({}), now: NOW });
    assert.deepEqual([plan.status?.currentHealthy, plan.status?.desiredHealthy, plan.status?.expectedPods, plan.status?.disruptionsAllowed], [3, 2, 3, 1]);
    assert.deepEqual(plan.events, []);
    assert.equal(plan.requeueAfterMs, undefined);
  });
  it('says when no pod matches', () => {
    const plan = planDisruption({ pdb: aBudget({ minAvailable: 2 }), pods: [], findScale: finder({}), now: NOW });
    assert.deepEqual(plan.events.map((e) => [e.type, e.reason, e.message]), [['Normal', 'NoPods', 'No matching pods found']]);
  });
  it('warns of unmanaged pods with the selector as Go prints it', () => {
    const plan = planDisruption({ pdb: aBudget({ maxUnavailable: 1 }), pods: [aPod('bare', { owner: NO_OWNER })], findScale: finder({}), now: NOW });
    assert.deepEqual(plan.events.map((e) => e.reason), ['UnmanagedPods']);
    assert.match(plan.events[0]?.message ?? '', /^Pods selected by this PodDisruptionBudget \(selector: &LabelSelector\{MatchLabels:map\[string\]string\{app: web,\},MatchExpressions:\[\]LabelSelectorRequirement\{\},\}\) were found to be unmanaged\./);
  });
  it('warns about a pod whose granted eviction expired and counts it healthy again', () => {
    const pdb = aBudget({ minAvailable: 2 }, { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3, disruptedPods: { 'web-0': ago(200) }, observedGeneration: 1 });
    const plan = planDisruption({ pdb, pods: pods(3), findScale: finder({}), now: NOW });
    assert.deepEqual(plan.events.map((e) => [e.involved.metadata.name, e.reason, e.message]), [['web-0', 'NotDeleted', "Pod was expected by PDB default/default to be deleted but it wasn't"]]);
    assert.equal(plan.status?.disruptionsAllowed, 1);
    assert.equal(plan.status?.disruptedPods, undefined);
  });
  it('comes back when a pending grant expires', () => {
    const pdb = aBudget({ minAvailable: 2 }, { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3, disruptedPods: { 'web-0': ago(30) }, observedGeneration: 1 });
    assert.equal(planDisruption({ pdb, pods: pods(3), findScale: finder({}), now: NOW }).requeueAfterMs, 90_001);
  });
  it('fails safe when the owners cannot be found: no disruption, DisruptionAllowed False/SyncFailed', () => {
    const pdb = aBudget({ maxUnavailable: '50%' }, { disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, observedGeneration: 1 });
    const plan = planDisruption({ pdb, pods: pods(3), findScale: finder({}), now: NOW });
    assert.deepEqual(plan.events.map((e) => [e.type, e.reason, e.message]), [['Warning', 'CalculateExpectedPodCountFailed', 'Failed to calculate the number of expected pods: found no controllers for pod "web-0"']]);
    assert.equal(plan.status?.disruptionsAllowed, 0);
    assert.deepEqual(plan.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [['DisruptionAllowed', 'False', 'SyncFailed', 'found no controllers for pod "web-0"']]);
  });
  it('writes nothing when it has failed safe already', () => {
    const pdb = aBudget({ maxUnavailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    const failed = failSafeStatus(pdb, 'boom', NOW);
    assert.equal(failSafeStatus({ ...pdb, status: failed }, 'boom', NOW), undefined);
  });
});

describe('goSelectorValue', () => {
  it('prints match expressions as the generated String() does', () => {
    assert.equal(goSelectorValue({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['x', 'y'] }] }),
      '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[x y],},},}');
  });
});
