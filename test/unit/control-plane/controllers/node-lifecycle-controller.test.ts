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

const GRACE_MS = 5000;

describe('node lifecycle controller over the in-memory store', () => {
  let clock: FakeClock;
  let liveness: NodeLiveness;
  let harness: ControllerHarness;

  beforeEach(async () => {
    clock = new FakeClock();
    liveness = new NodeLiveness({ gracePeriodMs: GRACE_MS, clock });
    harness = new ControllerHarness({ store: new MemoryStore(), clock, liveness });
    await ensureDefaultNamespaces(harness.registry);
    await harness.registry.create('nodes', undefined, aNode('pi1'));
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
    const reasons = (await harness.registry.list<Event>('events', {})).items.map((e) => e.reason);
    assert.ok(reasons.includes('NodeNotReady'), reasons.join());
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
});
