import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { schedulerControllerWith } from '../../../../control-plane/scheduler/scheduler';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { aNode, aPod } from './fixtures';

describe('scheduler over the in-memory store', () => {
  let harness: ControllerHarness;

  beforeEach(async () => {
    harness = new ControllerHarness({ store: new MemoryStore() });
    await ensureDefaultNamespaces(harness.registry);
    for (const name of ['pi1', 'pi2']) await harness.registry.create('nodes', undefined, aNode(name, { cpu: '1', memory: '1Gi', pods: '110' }));
  });

  afterEach(() => harness.stop());

  const nodeOf = (name: string): Promise<string | undefined> => harness.registry.get<Pod>('pods', 'default', name).then((p) => p.spec.nodeName);

  it('places a burst of pods on different nodes: each decision counts the pods it has just bound', async () => {
    await harness.registry.create('pods', 'default', aPod({ cpu: '800m' }, {}, 'one'));
    await harness.registry.create('pods', 'default', aPod({ cpu: '800m' }, {}, 'two'));
    harness.run(schedulerControllerWith({ random: () => 0 }));
    const placed = await until(async () => {
      const nodes = await Promise.all(['one', 'two'].map(nodeOf));
      return nodes.every(Boolean) ? nodes : undefined;
    }, { timeoutMs: 3000 });
    assert.deepEqual([...placed].sort(), ['pi1', 'pi2']);
  });

  it('leaves a pod that fits nowhere Pending, marked Unschedulable', async () => {
    harness.run(schedulerControllerWith());
    await harness.registry.create('pods', 'default', aPod({ cpu: '2' }, {}, 'big'));
    const condition = await until(async () => (await harness.registry.get<Pod>('pods', 'default', 'big')).status?.conditions?.find((c) => c.type === 'PodScheduled'), { timeoutMs: 3000 });
    assert.deepEqual([condition.status, condition.reason], ['False', 'Unschedulable']);
    assert.equal(await nodeOf('big'), undefined);
  });
});
