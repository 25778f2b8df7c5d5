import assert from 'node:assert/strict';
import { validateUsageReport } from '../../../../control-plane/nodes/agent-message-validation';
import type { UsageReport__Output } from '../../../../proto/generated/pikube/node/v1/UsageReport';

const usage = { cpu_nano_cores: 99_000_000, memory_working_set_bytes: 1024, window_ms: 15_000 };
const report = (change: (r: UsageReport__Output) => void = () => undefined): UsageReport__Output => {
  const r: UsageReport__Output = {
    timestamp_unix_ms: 1_765_000_000_000, node: { ...usage },
    pods: [{ pod: { namespace: 'default', name: 'web', uid: 'u-1' }, containers: [{ name: 'main', usage: { ...usage } }] }],
  };
  change(r);
  return r;
};

describe('usage report validation', () => {
  it('accepts a report and names its figures', () => {
    assert.deepEqual(validateUsageReport(report()), {
      timestampMs: 1_765_000_000_000, node: { cpuNanoCores: 99_000_000, memoryBytes: 1024, windowMs: 15_000 },
      pods: [{ ref: { namespace: 'default', name: 'web', uid: 'u-1' }, containers: [{ name: 'main', usage: { cpuNanoCores: 99_000_000, memoryBytes: 1024, windowMs: 15_000 } }] }],
    });
  });

  const bad: [string, (r: UsageReport__Output) => void, RegExp][] = [
    ['a negative figure', (r) => void (r.node!.cpu_nano_cores = -1), /usage\.node\.cpuNanoCores: must be a non-negative integer/],
    ['an empty window', (r) => void (r.pods[0].containers[0].usage!.window_ms = 0), /windowMs: must be positive/],
    ['a container name that is no name', (r) => void (r.pods[0].containers[0].name = 'Main/../x'), /is not a container name/],
    ['a pod ref that is no pod', (r) => void (r.pods[0].pod = { namespace: 'Default', name: 'web', uid: 'u-1' }), /namespace/],
    ['too many pods', (r) => void (r.pods = Array.from({ length: 1025 }, () => r.pods[0])), /at most 1024/],
    ['no timestamp', (r) => void (r.timestamp_unix_ms = 0), /timestamp_unix_ms/],
  ];
  for (const [what, change, message] of bad) {
    it(`refuses ${what}`, () => assert.throws(() => validateUsageReport(report(change)), message));
  }
});
