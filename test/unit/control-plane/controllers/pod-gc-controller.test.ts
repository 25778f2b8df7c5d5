import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { isApiError } from '../../../../api/errors';
import { ensureDefaultNamespaces } from '../../../../control-plane/apiserver/ensure-default-namespaces';
import { podGcController } from '../../../../control-plane/controllers/pod-gc-controller';
import { MemoryStore } from '../../../../control-plane/store/memory-store';
import { until } from '../../../../scripts/cluster/wait-until';
import { ControllerHarness } from '../../../support/controller-harness';
import { FakeClock, settle } from '../../../support/fake-clock';
import { aNode, aPod } from './fixtures';

describe('pod garbage collector over the in-memory store', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let harness: ControllerHarness;

  beforeEach(async () => {
    clock = new FakeClock();
    store = new MemoryStore();
    harness = new ControllerHarness({ store, clock });
    await ensureDefaultNamespaces(harness.registry);
    await harness.registry.create('nodes', undefined, aNode('pi1'));
    await harness.registry.create('nodes', undefined, aNode('pi2'));
  });

  afterEach(() => harness.stop());

  async function aRunningPod(name: string, nodeName: string): Promise<void> {
    const pod = aPod(name, { nodeName });
    const created = await harness.registry.create<Pod>('pods', 'default', pod);
    await harness.registry.updateStatus('pods', 'default', name, { ...created, status: pod.status });
  }

  const gone = (name: string): Promise<boolean> => harness.registry.get('pods', 'default', name).then(() => false, (err: unknown) => isApiError(err, 'NotFound'));

  async function running(): Promise<void> {
    harness.run(podGcController);
    await until(() => harness.informers.forResource('pods').hasSynced() && harness.informers.forResource('nodes').hasSynced(), { timeoutMs: 3000 });
    await settle();
  }

  it('force-deletes the pods of a deleted node at once, and no other pod', async () => {
    await aRunningPod('a', 'pi1');
    await aRunningPod('b', 'pi1');
    await aRunningPod('c', 'pi2');
    await running();
    await harness.registry.delete('nodes', undefined, 'pi1');
    await until(async () => (await gone('a')) && (await gone('b')), { timeoutMs: 3000 });
    assert.equal(await gone('c'), false);
  });

  it('writes nothing while every pod is bound to an existing node', async () => {
    await aRunningPod('a', 'pi1');
    await running();
    const idle = await store.currentRevision();
    await clock.advance(120_000);
    await settle();
    assert.equal(await store.currentRevision(), idle);
  });

  it('waits 40 s before it deletes a pod bound to a node name it never saw', async () => {
    await aRunningPod('early', 'pi9');
    await running();
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await clock.advance(39_000);
    await settle();
    assert.equal(await gone('early'), false, 'in quarantine');
    await clock.advance(1_100);
    await until(() => gone('early'), { timeoutMs: 3000 });
  });

  it('spares the pods of a node that joins during the quarantine', async () => {
    await aRunningPod('early', 'pi9');
    await running();
    await until(() => clock.timers > 0, { timeoutMs: 3000 });
    await harness.registry.create('nodes', undefined, aNode('pi9'));
    await clock.advance(41_000);
    await settle();
    assert.equal(await gone('early'), false);
  });
});
