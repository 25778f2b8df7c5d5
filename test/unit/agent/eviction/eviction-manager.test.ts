import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/core-v1';
import { EvictionManager, thresholdsMet } from '../../../../agent/eviction/eviction-manager';
import { parseEvictionHard } from '../../../../agent/eviction/eviction-thresholds';
import type { SignalObservations } from '../../../../agent/eviction/node-signals';
import type { PodUsage, ReclaimResource } from '../../../../agent/eviction/eviction-ranking';
import { aPod } from '../pods/pod-builder';

const Mi = 1024 * 1024;

/** Signals and pod usage set by the test; time moves by hand. */
class Node {
  nowMs = 0;
  observations: SignalObservations = {};
  memoryMi = new Map<string, number>();
  changes = 0;
  readonly asked: ReclaimResource[] = [];

  manager(thresholds = 'memory.available<100Mi,nodefs.available<10%', transitionPeriodMs = 60_000): EvictionManager {
    return new EvictionManager({
      thresholds: parseEvictionHard(thresholds), transitionPeriodMs, clock: { now: () => this.nowMs },
      observe: async () => this.observations,
      usage: {
        usage: async (pod: Pod, resource: ReclaimResource): Promise<PodUsage> => {
          this.asked.push(resource);
          return { pod, containers: new Map([['app', (this.memoryMi.get(pod.metadata.name ?? '') ?? 0) * Mi]]), podLevelBytes: 0 };
        },
      },
      onConditionsChange: () => this.changes++,
      log: () => undefined,
    });
  }

  memory(availableMi: number): void {
    this.observations['memory.available'] = { availableBytes: availableMi * Mi, capacityBytes: 1024 * Mi };
  }
}

const status = (m: EvictionManager, type: string) => m.conditions().find((c) => c.type === type);
const signal = new AbortController().signal;

describe('the eviction manager (node pressure)', () => {
  it('reports the three pressure conditions False before any pass, with the kubelet\'s reasons', () => {
    const m = new Node().manager();
    assert.deepEqual(m.conditions(), [
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
      { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
      { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ]);
  });

  it('under the memory threshold: MemoryPressure True, and the BestEffort pod is chosen with the kubelet\'s message', async () => {
    const node = new Node();
    const m = node.manager();
    node.memory(80);
    node.memoryMi.set('besteffort', 30).set('guaranteed', 200);
    const guaranteed = aPod('guaranteed').withContainer({ name: 'app', resources: { requests: { memory: '256Mi' }, limits: { memory: '256Mi' } } }).build();
    const choice = await m.synchronize([guaranteed, aPod('besteffort').withContainer({ name: 'app' }).build()], signal);
    assert.equal(choice?.pod.metadata.name, 'besteffort');
    assert.equal(choice?.message, 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. Container app was using 30Mi, request is 0, has larger consumption of memory. ');
    assert.deepEqual(status(m, 'MemoryPressure'), { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' });
    assert.equal(status(m, 'DiskPressure')?.status, 'False');
    assert.equal(node.changes, 1);
  });

  it('keeps the condition True for the transition period after the signal recovers, and evicts nothing meanwhile', async () => {
    const node = new Node();
    const m = node.manager();
    node.memory(50);
    await m.synchronize([], signal);
    node.memory(500);
    node.nowMs = 59_000;
    assert.equal(await m.synchronize([aPod('p').withContainer({ name: 'app' }).build()], signal), undefined);
    assert.equal(status(m, 'MemoryPressure')?.status, 'True');
    node.nowMs = 60_000;
    await m.synchronize([], signal);
    assert.equal(status(m, 'MemoryPressure')?.status, 'False');
    assert.equal(node.changes, 2);
  });

  it('disk pressure from a percentage threshold: DiskPressure True, pods ranked by ephemeral-storage', async () => {
    const node = new Node();
    const m = node.manager();
    node.observations['nodefs.available'] = { availableBytes: 5 * Mi, capacityBytes: 100 * Mi };
    const choice = await m.synchronize([aPod('p').withContainer({ name: 'app' }).build()], signal);
    assert.equal(status(m, 'DiskPressure')?.status, 'True');
    assert.deepEqual(node.asked, ['ephemeral-storage']);
    assert.match(choice?.message ?? '', /^The node was low on resource: ephemeral-storage\. Threshold quantity: 10Mi, available: 5Mi\. /);
  });

  it('memory comes first when memory and disk thresholds are both met', () => {
    const met = thresholdsMet(parseEvictionHard('nodefs.available<10%,memory.available<100Mi'), {
      'nodefs.available': { availableBytes: 1, capacityBytes: 100 }, 'memory.available': { availableBytes: 1, capacityBytes: 100 * Mi },
    });
    assert.deepEqual(met.map((t) => t.signal), ['memory.available', 'nodefs.available']);
  });

  it('a signal not measured meets no threshold', () => {
    assert.deepEqual(thresholdsMet(parseEvictionHard('imagefs.available<15%'), {}), []);
  });
});
