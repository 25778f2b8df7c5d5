import assert from 'node:assert/strict';
import type { Event, Node, Pod } from '../../../../api/core-v1';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { nodeLifecycleController } from '../../../../control-plane/controllers/node-lifecycle-controller';
import { NodeLiveness } from '../../../../control-plane/nodes/node-liveness';
import { AGENT_MAX_RECONNECT_DELAY_MS } from '../../../../proto/session-timing';
import { TAINT_UNREACHABLE } from '../../../../control-plane/nodes/node-health';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { FakeClock } from '../../../support/fake-clock';
import { aNode, aPod } from './fixtures';
import { withLiveNodes } from '../../../support/live-nodes';

const GRACE_MS = 5000;

describe('node lifecycle controller over the in-memory store', () => {
  let clock: FakeClock;
  let liveness: NodeLiveness;
  let harness: ControllerHarness;
  let store: MemoryStore;

  beforeEach(async () => {
    clock = new FakeClock();
    liveness = new NodeLiveness({ gracePeriodMs: GRACE_MS, clock });
    // pi2 keeps speaking: one silent node of two is a node failure, not a cut-off control plane.
    store = new MemoryStore();
    harness = new ControllerHarness({ store, clock, liveness: withLiveNodes(liveness, ['pi2']) });
    await ensureDefaultNamespaces(harness.registry);
    await harness.registry.create('nodes', undefined, aNode('pi1'));
    await harness.registry.create('nodes', undefined, aNode('pi2'));
    const pod = await harness.registry.create<Pod>('pods', 'default', aPod('web'));
    await harness.registry.updateStatus('pods', 'default', 'web', { ...pod, status: aPod('web').status });
  });

  afterEach(() => harness.stop());

  const node = (): Promise<Node> => harness.registry.get<Node>('nodes', undefined, 'pi1');
  const ready = async (): Promise<string | undefined> => (await node()).status?.conditions?.find((c) => c.type === 'Ready')?.status;

  it('a node silent beyond the grace period gets Ready Unknown, the unreachable taints, and its pods Ready False', async () => {
    const token = liveness.sessionOpened('pi1');
    harness.run(nodeLifecycleController);
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    liveness.sessionClosed('pi1', token);
    await clock.advance(GRACE_MS - 100);
    assert.equal(await ready(), 'True', 'within the grace period nothing changes');
    await clock.advance(200);
    await until(async () => (await ready()) === 'Unknown', { timeoutMs: 3000 });
    await until(async () => (await node()).spec?.taints?.filter((t) => t.key === TAINT_UNREACHABLE).length === 2, { timeoutMs: 3000 });
    await until(async () => (await harness.registry.get<Pod>('pods', 'default', 'web')).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', { timeoutMs: 3000 });
    const reasons = async (): Promise<string[]> => (await harness.registry.list<Event>('events', {})).items.map((e) => e.reason ?? '');
    await until(async () => (await reasons()).includes('NodeNotReady'), { timeoutMs: 3000, describe: async () => (await reasons()).join() });
  });

  it('a new leader counts a node it never heard from as silent only from its start plus the agents\' longest reconnect delay', async () => {
    harness.run(nodeLifecycleController);
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(GRACE_MS + AGENT_MAX_RECONNECT_DELAY_MS - 200);
    assert.equal(await ready(), 'True', 'an agent still waiting out its backoff is not declared dead');
    liveness.sessionOpened('pi1');
    await clock.advance(GRACE_MS - 200);
    assert.equal(await ready(), 'True', 'it reconnected in time');
  });

  it('a node whose session ended before this leader began (etcd away) also gets the reconnect delay', async () => {
    liveness.sessionClosed('pi1', liveness.sessionOpened('pi1'));
    await clock.advance(30_000);
    harness.run(nodeLifecycleController);
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(GRACE_MS + AGENT_MAX_RECONNECT_DELAY_MS - 200);
    assert.equal(await ready(), 'True', 'the agent may still be waiting out its backoff');
    await clock.advance(400);
    await until(async () => (await ready()) === 'Unknown', { timeoutMs: 3000 });
  });

  it('a node that speaks again gets Ready True back and loses the taints', async () => {
    harness.run(nodeLifecycleController);
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(GRACE_MS + AGENT_MAX_RECONNECT_DELAY_MS + 100);
    await until(async () => (await ready()) === 'Unknown' && (await node()).spec?.taints?.length === 2, { timeoutMs: 3000 });
    liveness.sessionOpened('pi1');
    await until(async () => (await ready()) === 'True' && !(await node()).spec?.taints, { timeoutMs: 3000 });
  });

  describe('when every node falls silent together (Kubernetes\' master disruption mode)', function () {
    this.timeout(10_000);
    const taintsOf = async (name: string): Promise<string[]> => ((await harness.registry.get<Node>('nodes', undefined, name)).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
    const readyOf = async (name: string): Promise<string | undefined> => (await harness.registry.get<Node>('nodes', undefined, name)).status?.conditions?.find((c) => c.type === 'Ready')?.status;

    /** Moves time on with `node` heartbeating every 200 ms. */
    const advanceSpeaking = async (ms: number, node: string, token: number): Promise<void> => {
      for (let left = ms; left > 0; left -= 200) {
        liveness.seen(node, token);
        await clock.advance(Math.min(200, left));
      }
    };

    beforeEach(() => {
      harness.stop();
      harness = new ControllerHarness({ store, clock, liveness, registry: harness.registry });
    });

    it('marks both Unknown with the NoSchedule taint only, and puts the NoExecute taint on when one of them speaks again', async () => {
      const [t1, t2] = [liveness.sessionOpened('pi1'), liveness.sessionOpened('pi2')];
      harness.run(nodeLifecycleController);
      await until(() => clock.timers > 0, { timeoutMs: 3000 });
      await clock.advance(200);
      liveness.sessionClosed('pi1', t1);
      await clock.advance(150);
      liveness.sessionClosed('pi2', t2);
      await clock.advance(GRACE_MS);
      await until(async () => (await readyOf('pi1')) === 'Unknown' && (await readyOf('pi2')) === 'Unknown', { timeoutMs: 3000 });
      await clock.advance(2000);
      assert.deepEqual(await taintsOf('pi1'), [`${TAINT_UNREACHABLE}:NoSchedule`]);
      assert.deepEqual(await taintsOf('pi2'), [`${TAINT_UNREACHABLE}:NoSchedule`]);
      assert.ok(harness.logs.some((l) => l.includes('entering master disruption mode')), harness.logs.join('\n'));
      const back = liveness.sessionOpened('pi2');
      await advanceSpeaking(GRACE_MS - 200, 'pi2', back);
      assert.deepEqual(await taintsOf('pi1'), [`${TAINT_UNREACHABLE}:NoSchedule`], 'leaving the mode, every node gets a fresh grace period');
      await advanceSpeaking(800, 'pi2', back);
      await until(async () => (await taintsOf('pi1')).includes(`${TAINT_UNREACHABLE}:NoExecute`), { timeoutMs: 3000 });
    });

    it('takes the NoExecute taint off the first node once the second falls silent too', async () => {
      const [t1, t2] = [liveness.sessionOpened('pi1'), liveness.sessionOpened('pi2')];
      harness.run(nodeLifecycleController);
      await until(() => clock.timers > 0, { timeoutMs: 3000 });
      liveness.sessionClosed('pi1', t1);
      await advanceSpeaking(GRACE_MS + 200, 'pi2', t2);
      await until(async () => (await taintsOf('pi1')).includes(`${TAINT_UNREACHABLE}:NoExecute`), { timeoutMs: 3000 });
      liveness.sessionClosed('pi2', t2);
      await clock.advance(GRACE_MS + 100);
      await until(async () => (await taintsOf('pi1')).length === 1 && (await taintsOf('pi2')).length === 1, { timeoutMs: 3000 });
      assert.deepEqual(await taintsOf('pi1'), [`${TAINT_UNREACHABLE}:NoSchedule`]);
    });
  });
});
