import { AGENT_MAX_RECONNECT_DELAY_MS } from '../../../../proto/session-timing';
import assert from 'node:assert/strict';
import type { Event, Node, Pod, Taint, Toleration } from '../../../../api/core-v1';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { taintEvictionController } from '../../../../control-plane/controllers/taint-eviction-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { FakeClock, settle } from '../../../support/fake-clock';
import { aNode, aPod } from './fixtures';

const UNREACHABLE: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };
/** The pods' default tolerations (DefaultTolerationSeconds) cover only the node-health taints; nothing tolerates this one. */
const DEDICATED: Taint = { key: 'dedicated', value: 'db', effect: 'NoExecute' };
const forSeconds = (seconds?: number): Toleration[] => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) }];

describe('taint eviction controller over the in-memory store', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let harness: ControllerHarness;

  beforeEach(async () => {
    clock = new FakeClock();
    store = new MemoryStore();
    harness = new ControllerHarness({ store, clock });
    await ensureDefaultNamespaces(harness.registry);
    await harness.registry.create('nodes', undefined, aNode('pi1'));
  });

  afterEach(() => harness.stop());

  async function aRunningPod(name: string, tolerations: Toleration[]): Promise<void> {
    const pod = aPod(name);
    const created = await harness.registry.create<Pod>('pods', 'default', { ...pod, spec: { ...pod.spec, tolerations } });
    await harness.registry.updateStatus('pods', 'default', name, { ...created, status: pod.status });
  }

  async function taint(...taints: Taint[]): Promise<void> {
    const node = await harness.registry.get<Node>('nodes', undefined, 'pi1');
    await harness.registry.update('nodes', undefined, 'pi1', { ...node, spec: { ...node.spec, taints } });
  }

  const get = (name: string): Promise<Pod> => harness.registry.get<Pod>('pods', 'default', name);
  const deleting = async (name: string): Promise<boolean> => Boolean((await get(name)).metadata.deletionTimestamp);
  const events = async (): Promise<Event[]> => (await harness.registry.list<Event>('events', {})).items.filter((e) => e.reason === 'TaintManagerEviction');

  async function running(): Promise<void> {
    harness.run(taintEvictionController);
    await until(() => harness.informers.forResource('pods').hasSynced(), { timeoutMs: 3000 });
    await settle();
  }

  it('deletes a pod that does not tolerate the NoExecute taint at once, marking it DisruptionTarget first', async () => {
    await aRunningPod('web', []);
    await running();
    await taint(DEDICATED);
    await until(() => deleting('web'), { timeoutMs: 3000 });
    const condition = (await get('web')).status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual({ ...condition, lastTransitionTime: undefined }, {
      type: 'DisruptionTarget', status: 'True', lastTransitionTime: undefined,
      reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
    });
    // The event is written beside the delete, not before it (as Kubernetes' asynchronous recorder).
    const [event] = await until(async () => { const list = await events(); return list.length > 0 && list; }, { timeoutMs: 3000 });
    assert.equal(event?.message, 'Marking for deletion Pod default/web');
    assert.equal(event?.type, 'Normal');
    assert.equal(event?.source?.component, 'taint-eviction-controller');
    assert.deepEqual(event?.involvedObject, { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web' });
  });

  it('deletes a pod tolerating for 2 s once 2 s have passed on the clock, not before', async () => {
    await aRunningPod('web', forSeconds(2));
    await running();
    await taint(UNREACHABLE);
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(1900);
    assert.equal(await deleting('web'), false, 'within tolerationSeconds the pod stays');
    await clock.advance(200);
    await until(() => deleting('web'), { timeoutMs: 3000 });
  });

  it('cancels the deletion when the taint goes before the toleration runs out, and says so', async () => {
    await aRunningPod('web', forSeconds(2));
    await running();
    await taint(UNREACHABLE);
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(1000);
    await taint();
    await until(async () => (await events()).some((e) => e.message === 'Cancelling deletion of Pod default/web'), { timeoutMs: 3000 });
    await clock.advance(5000);
    await settle();
    assert.equal(await deleting('web'), false);
    assert.deepEqual((await events()).map((e) => e.message), ['Cancelling deletion of Pod default/web']);
  });

  it('leaves a pod that tolerates the taint without tolerationSeconds (a DaemonSet pod) running', async () => {
    await aRunningPod('daemon', [...forSeconds(undefined), { key: 'dedicated', operator: 'Exists' }]);
    await aRunningPod('web', []);
    await running();
    await taint(UNREACHABLE, DEDICATED);
    await until(() => deleting('web'), { timeoutMs: 3000 });
    await clock.advance(600_000);
    await settle();
    assert.equal(await deleting('daemon'), false);
  });

  it('writes nothing while no node has a NoExecute taint, and nothing more once its evictions are done', async () => {
    await aRunningPod('web', forSeconds(2));
    await running();
    const idle = await store.currentRevision();
    await clock.advance(60_000);
    await settle();
    assert.equal(await store.currentRevision(), idle, 'idle: no write');
    await taint(UNREACHABLE);
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(2100);
    await until(() => deleting('web'), { timeoutMs: 3000 });
    await settle();
    const done = await store.currentRevision();
    await clock.advance(60_000);
    await settle();
    assert.equal(await store.currentRevision(), done, 'after the eviction: no write');
  });

  it('counts down from its start for a pod already under the taint when it starts (a new leader)', async () => {
    await aRunningPod('web', forSeconds(2));
    await taint(UNREACHABLE);
    await running();
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(2100);
    await until(() => deleting('web'), { timeoutMs: 3000 });
  });

  describe('a pod that must not run twice (a StatefulSet pod) on an unreachable node', () => {
    let liveness: NodeLiveness;

    beforeEach(async () => {
      harness.stop();
      liveness = new NodeLiveness({ gracePeriodMs: 5000, clock });
      harness = new ControllerHarness({ store, clock, liveness });
      const token = liveness.sessionOpened('pi1');
      liveness.sessionClosed('pi1', token);
      const pod = aPod('web-0');
      const owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-set', controller: true };
      const created = await harness.registry.create<Pod>('pods', 'default', { ...pod, metadata: { ...pod.metadata, ownerReferences: [owner] }, spec: { ...pod.spec, tolerations: forSeconds(2) } });
      await harness.registry.updateStatus('pods', 'default', 'web-0', { ...created, status: pod.status });
    });

    const gone = async (): Promise<boolean> => (await harness.registry.list<Pod>('pods', { namespace: 'default' })).items.every((p) => p.metadata.name !== 'web-0');

    it('is not deleted when its toleration runs out, but force-deleted once the node has been silent for fencing period + margin (11 s)', async () => {
      await running();
      await clock.advance(5000);
      await taint(UNREACHABLE);
      await until(() => clock.timers > 0, { timeoutMs: 3000 });
      await clock.advance(2100);
      assert.equal(await deleting('web-0'), false, 'no graceful delete: a replacement must not start while the old copy may run');
      await clock.advance(3700);
      assert.equal(await gone(), false, '10.8 s of silence: still there');
      await clock.advance(300);
      await until(() => gone(), { timeoutMs: 3000 });
      assert.ok(harness.logs.some((l) => l.includes('force-deleting pod default/web-0')), harness.logs.join('\n'));
    });

    it('counts the silence from when this leader first looked, plus the agents\' reconnect delay, never the time before it was there', async () => {
      await clock.advance(60_000);
      await taint(UNREACHABLE);
      await running();
      await until(() => clock.timers > 0, { timeoutMs: 3000 });
      await clock.advance(10_900 + AGENT_MAX_RECONNECT_DELAY_MS);
      assert.equal(await gone(), false, 'silent 76 s on the clock, but only 10.9 s while this leader watched, past the reconnect delay');
      await clock.advance(200);
      await until(() => gone(), { timeoutMs: 3000 });
    });

    it('counts a node it first looked at while it spoke from its last message, not from when it fell silent', async () => {
      const token = liveness.sessionOpened('pi1');
      await running(); // the first look at web-0 and its node, pi1 speaking
      liveness.sessionClosed('pi1', token); // unplugged: last heard now
      await clock.advance(5000);
      await taint(UNREACHABLE);
      await until(() => clock.timers > 0, { timeoutMs: 3000 });
      await clock.advance(5800);
      assert.equal(await gone(), false, '10.8 s of silence: still there');
      await clock.advance(300);
      await until(() => gone(), { timeoutMs: 3000 });
    });

    it('is left alone when its node speaks again before the deadline', async () => {
      await running();
      await taint(UNREACHABLE);
      await until(() => clock.timers > 0, { timeoutMs: 3000 });
      await clock.advance(6000);
      liveness.sessionOpened('pi1');
      await clock.advance(6000);
      await settle();
      assert.equal(await gone(), false);
      assert.equal(await deleting('web-0'), false);
    });
  });
});
