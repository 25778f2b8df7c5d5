import assert from 'node:assert/strict';
import { nodeUsageFrom } from '../../../../agent/stats/node-usage';

const STAT = `cpu  1000 20 300 50000 400 5 6 7 0 0
cpu0 500 10 150 25000 200 2 3 3 0 0
intr 12345
btime 1765000000
`;
const MEMINFO = `MemTotal:        1000000 kB
MemFree:          400000 kB
MemAvailable:     700000 kB
Inactive(file):   100000 kB
`;

describe('node usage from /proc', () => {
  it('counts busy ticks (not idle, not iowait) as nanoseconds and the working set from meminfo', () => {
    const usage = nodeUsageFrom(STAT, MEMINFO);
    assert.equal(usage.cpuNs, (1000 + 20 + 300 + 5 + 6 + 7) * 10_000_000);
    assert.equal(usage.workingSetBytes, (1000000 - 400000 - 100000) * 1024);
    assert.equal(usage.startedAtMs, 1765000000 * 1000);
  });

  it('refuses text that is not /proc/stat or /proc/meminfo', () => {
    assert.throws(() => nodeUsageFrom('nothing', MEMINFO), /cpu or btime/);
    assert.throws(() => nodeUsageFrom(STAT, 'MemTotal: 1 kB\n'), /MemFree/);
  });
});
