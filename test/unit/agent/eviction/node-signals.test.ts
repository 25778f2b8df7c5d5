import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filesystemObservation, memoryFromMeminfo, observeSignals } from '../../../../agent/eviction/node-signals';

const MEMINFO = `MemTotal:        1000000 kB
MemFree:          150000 kB
MemAvailable:     600000 kB
Buffers:           10000 kB
Cached:           400000 kB
Active(file):     200000 kB
Inactive(file):    50000 kB
HugePages_Total:       0
`;

describe('eviction signals', () => {
  it('memory.available is capacity minus the working set (usage less inactive file cache): MemFree + Inactive(file)', () => {
    assert.deepEqual(memoryFromMeminfo(MEMINFO), { capacityBytes: 1000000 * 1024, availableBytes: 200000 * 1024 });
  });

  it('says which /proc/meminfo fields are missing', () => {
    const broken = memoryFromMeminfo('MemTotal: 10 kB\n');
    assert.ok(broken instanceof Error);
    assert.match(broken.message, /Inactive\(file\)/);
  });

  it('a file system signal is f_bavail and f_blocks in f_bsize units', () => {
    assert.deepEqual(filesystemObservation({ bavail: 10, blocks: 100, bsize: 4096 }), { availableBytes: 40960, capacityBytes: 409600 });
  });

  it('measures memory from a meminfo file and both file systems by statfs; an unreadable one is left out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pkit-signals-'));
    try {
      writeFileSync(path.join(dir, 'meminfo'), MEMINFO);
      const seen = await observeSignals({ nodefs: dir, imagefs: async () => path.join(dir, 'missing'), meminfo: path.join(dir, 'meminfo') });
      assert.equal(seen['memory.available']?.availableBytes, 200000 * 1024);
      assert.ok((seen['nodefs.available']?.capacityBytes ?? 0) > 0);
      assert.ok((seen['nodefs.available']?.availableBytes ?? -1) <= (seen['nodefs.available']?.capacityBytes ?? 0));
      assert.equal(seen['imagefs.available'], undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
