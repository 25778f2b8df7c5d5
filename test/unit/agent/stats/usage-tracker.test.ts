import assert from 'node:assert/strict';
import { usageBetween, UsageTracker, type ContainerSample } from '../../../../agent/stats/usage-tracker';

const POD = { namespace: 'default', name: 'burner', uid: 'u1' };

function container(id: string, cpuNs: number, startedAtMs = 0, name = 'main'): ContainerSample {
  return { id, pod: POD, name, startedAtMs, usage: { cpuNs, workingSetBytes: 5 * 1024 * 1024 } };
}

const node = (cpuNs: number) => ({ cpuNs, workingSetBytes: 1 << 30, startedAtMs: 0 });

describe('usage rates from cumulative counters', () => {
  const cases: { what: string; from: [number, number]; to: [number, number]; nanoCores?: number }[] = [
    { what: '100m busy over 15 s', from: [0, 0], to: [1_500_000_000, 15_000], nanoCores: 100_000_000 },
    { what: 'two whole cores over 1 s', from: [1e9, 1000], to: [3e9, 2000], nanoCores: 2_000_000_000 },
    { what: 'an idle container', from: [5, 0], to: [5, 15_000], nanoCores: 0 },
    { what: 'a counter that went back (reset)', from: [10, 0], to: [5, 15_000] },
    { what: 'no time passed', from: [0, 1000], to: [10, 1000] },
  ];
  for (const c of cases) {
    it(`rates ${c.what}`, () => {
      const usage = usageBetween({ cpuNs: c.from[0], atMs: c.from[1] }, { cpuNs: c.to[0], atMs: c.to[1] }, 7);
      assert.equal(usage?.cpu_nano_cores, c.nanoCores);
      if (usage) assert.equal(usage.window_ms, c.to[1] - c.from[1]);
    });
  }

  it('rates a container first seen from its start, then from the previous sample', () => {
    const tracker = new UsageTracker();
    const first = tracker.report(10_000, node(1e9), [container('c1', 1e9, 5_000)]);
    assert.deepEqual(first.pods, [{ pod: POD, containers: [{ name: 'main', usage: { cpu_nano_cores: 200_000_000, memory_working_set_bytes: 5 * 1024 * 1024, window_ms: 5_000 } }] }]);
    const second = tracker.report(25_000, node(4e9), [container('c1', 2.5e9, 5_000)]);
    assert.equal(second.pods[0].containers[0].usage?.cpu_nano_cores, 100_000_000);
    assert.equal(second.pods[0].containers[0].usage?.window_ms, 15_000);
    assert.equal(second.node?.cpu_nano_cores, 200_000_000);
    assert.equal(second.timestamp_unix_ms, 25_000);
  });

  it('treats a restarted container (a new id) as new, and leaves out a container not yet started', () => {
    const tracker = new UsageTracker();
    tracker.report(10_000, node(0), [container('c1', 1e9, 0)]);
    const after = tracker.report(20_000, node(0), [container('c2', 1e8, 19_000), container('c3', 0, 20_000, 'late')]);
    assert.equal(after.pods.length, 1);
    assert.deepEqual(after.pods[0].containers.map((c) => [c.name, c.usage?.cpu_nano_cores]), [['main', 100_000_000]]);
  });

  it('groups the containers of one pod', () => {
    const report = new UsageTracker().report(10_000, node(0), [container('a', 0, 0, 'web'), container('b', 0, 0, 'sidecar')]);
    assert.deepEqual(report.pods.map((p) => p.containers.map((c) => c.name)), [['web', 'sidecar']]);
  });
});
