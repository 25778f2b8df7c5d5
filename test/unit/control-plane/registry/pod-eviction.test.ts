import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ApiError, isApiError } from '../../../../api/errors';
import type { Status } from '../../../../api/meta';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../../../api/policy-v1';
import { Registry } from '../../../../control-plane/registry/registry';
import { MemoryStore } from '../../../../control-plane/store/memory-store';

const PDBS = 'poddisruptionbudgets.policy';
const NOW = new Date('2026-12-07T10:00:00Z');

describe('the pods/eviction subresource over the in-memory store', () => {
  let registry: Registry;

  beforeEach(async () => {
    registry = new Registry({ store: new MemoryStore(), now: () => NOW });
    await registry.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  });

  async function aRunningPod(name: string, { ready = true, app = 'web' } = {}): Promise<Pod> {
    await registry.create('pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await registry.bind('default', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'pi1' } });
    const ready_ = { type: 'Ready', status: ready ? 'True' as const : 'False' as const };
    return (await registry.guaranteedUpdate<Pod>('pods', 'default', name, (p) => ({ ...p, status: { ...p.status, phase: 'Running', conditions: [ready_] } }), { subresource: 'status' })).object;
  }

  async function aBudget(status: Partial<PodDisruptionBudgetStatus>): Promise<PodDisruptionBudget> {
    await registry.create(PDBS, 'default', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    return (await registry.guaranteedUpdate<PodDisruptionBudget>(PDBS, 'default', 'web', (b) => ({
      ...b, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1, ...status },
    }), { subresource: 'status' })).object;
  }

  const evict = (name: string, deleteOptions?: object, dryRun = false): Promise<Status> =>
    registry.act('pods', 'eviction', 'default', name, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, ...(deleteOptions ? { deleteOptions } : {}) }, { dryRun });
  const getPod = (name: string): Promise<Pod> => registry.get<Pod>('pods', 'default', name);
  const budget = (): Promise<PodDisruptionBudget> => registry.get<PodDisruptionBudget>(PDBS, 'default', 'web');

  async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
    try {
      await promise;
    } catch (err: unknown) {
      if (err instanceof ApiError) return { code: err.code, message: err.message };
      throw err;
    }
    return assert.fail('expected a refusal');
  }

  it('spends the budget with the eviction time recorded, then deletes the pod with the requested grace period', async () => {
    await aRunningPod('web-0');
    await aBudget({ disruptionsAllowed: 2 });
    assert.equal((await evict('web-0', { gracePeriodSeconds: 5 })).code, 201);
    const status = (await budget()).status;
    assert.deepEqual([status?.disruptionsAllowed, status?.disruptedPods], [1, { 'web-0': '2026-12-07T10:00:00Z' }]);
    const pod = await getPod('web-0');
    assert.equal(pod.metadata.deletionGracePeriodSeconds, 5);
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.reason, 'EvictionByEvictionAPI');
  });

  it('grants exactly one of two concurrent evictions when one disruption is allowed', async () => {
    await aRunningPod('web-0');
    await aRunningPod('web-1');
    await aBudget({ disruptionsAllowed: 1 });
    const results = await Promise.allSettled([evict('web-0'), evict('web-1')]);
    const granted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(granted.length, 1);
    assert.equal(refused.length, 1);
    assert.ok(isApiError(refused[0]?.reason, 'TooManyRequests'));
    assert.equal(Object.keys((await budget()).status?.disruptedPods ?? {}).length, 1);
  });

  it('honours the preconditions of its DeleteOptions', async () => {
    const pod = await aRunningPod('web-0');
    await aBudget({ disruptionsAllowed: 3 });
    assert.deepEqual(await refusal(evict('web-0', { preconditions: { uid: 'other' } })), {
      code: 'Conflict', message: `Operation cannot be fulfilled on Pod "web-0": the UID in the precondition (other) does not match the UID in record (${pod.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
    });
    assert.equal((await refusal(evict('web-0', { preconditions: { resourceVersion: '1' } }))).code, 'Conflict');
    assert.equal((await getPod('web-0')).metadata.deletionTimestamp, undefined);
    const current = await getPod('web-0');
    assert.equal((await evict('web-0', { preconditions: { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion } })).code, 201);
    assert.ok((await getPod('web-0')).metadata.deletionTimestamp);
  });

  it('lets an unready pod go without spending a budget that is met', async () => {
    await aRunningPod('web-0', { ready: false });
    await aBudget({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 });
    assert.equal((await evict('web-0')).code, 201);
    assert.deepEqual([(await budget()).status?.disruptionsAllowed, (await budget()).status?.disruptedPods], [0, undefined]);
  });

  it('asks for a retry in 10 s while the budget has not been processed since its spec changed', async () => {
    await aRunningPod('web-0');
    await aBudget({ disruptionsAllowed: 1 });
    await registry.patch(PDBS, 'default', 'web', 'merge-patch', { spec: { minAvailable: 1 } });
    await assert.rejects(evict('web-0'), (err: unknown) => isApiError(err, 'TooManyRequests') && err.subject.retryAfterSeconds === 10
      && err.causes[0]?.message === 'The disruption budget web is still being processed by the server.');
  });

  it('checks a dry run against the budget without writing anything', async () => {
    await aRunningPod('web-0');
    await aBudget({ disruptionsAllowed: 0 });
    assert.ok(isApiError(await evict('web-0', undefined, true).catch((e: unknown) => e), 'TooManyRequests'));
    await registry.guaranteedUpdate<PodDisruptionBudget>(PDBS, 'default', 'web', (b) => ({ ...b, status: { ...b.status!, disruptionsAllowed: 1 } }), { subresource: 'status' });
    const before = await budget();
    assert.equal((await evict('web-0', { dryRun: ['All'] })).code, 201);
    assert.equal((await budget()).metadata.resourceVersion, before.metadata.resourceVersion);
    assert.equal((await getPod('web-0')).metadata.deletionTimestamp, undefined);
    assert.equal((await refusal(evict('web-0', { dryRun: ['Some'] }))).code, 'Invalid');
  });

  it('answers 404 for a pod that does not exist', async () => {
    assert.deepEqual(await refusal(evict('nope')), { code: 'NotFound', message: 'pods "nope" not found' });
  });
});
