import assert from 'node:assert/strict';
import { parseSmapsRollup, processMemory } from '../../../../scripts/bench/process-memory';

const ROLLUP = `55d4c0a6b000-7ffc3a1e5000 ---p 00000000 00:00 0                          [rollup]
Rss:               40960 kB
Pss:               12288 kB
Pss_Anon:           6144 kB
Shared_Clean:      28672 kB
Anonymous:          6144 kB
Swap:                  0 kB
`;

describe('memory of a process from smaps_rollup', () => {
  it('reads RSS, PSS, private and file-backed memory in MiB', () => {
    assert.deepEqual(parseSmapsRollup(ROLLUP), { rss: 40, pss: 12, anon: 6, file: 34 });
  });

  it('reads nothing from a text without the fields', () => {
    assert.equal(parseSmapsRollup('Rss: 10 kB\n'), undefined);
  });

  it('reads this process, whose private memory is part of its RSS', () => {
    const m = processMemory(process.pid);
    assert.ok(m && m.anon > 0 && m.anon <= m.rss && m.pss <= m.rss, JSON.stringify(m));
  });

  it('reads nothing for a process that is gone', () => assert.equal(processMemory(2 ** 22 + 1), undefined));
});
