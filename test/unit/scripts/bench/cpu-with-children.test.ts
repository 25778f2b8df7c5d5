import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { childrenCpuTicks, cpuBetween, readCpu } from '../../../../scripts/bench/cpu-with-children';

describe('CPU of a process and of its children', () => {
  it('counts a waited-for child\'s CPU under children, not under the process itself', () => {
    const before = readCpu(process.pid);
    // The child spins until it has used 0.3 s of CPU itself (not wall time: the machine may be loaded).
    spawnSync(process.execPath, ['-e', 'const s = process.cpuUsage(); while (process.cpuUsage(s).user + process.cpuUsage(s).system < 300_000);']);
    const used = cpuBetween(before, readCpu(process.pid));
    assert.ok((used.children ?? 0) >= 0.25, `children ${used.children} s after a child that used 0.3 s`);
    assert.ok((used.own ?? Infinity) < 0.15, `own ${used.own} s while only waiting`);
    assert.equal(used.total, Math.round(((used.own ?? 0) + (used.children ?? 0)) * 1000) / 1000);
  });

  it('reads nothing for a process that is gone', () => {
    assert.equal(childrenCpuTicks(2 ** 22 + 1), undefined);
    assert.deepEqual(cpuBetween(readCpu(undefined), readCpu(process.pid)), { own: undefined, children: undefined, total: undefined });
  });
});
