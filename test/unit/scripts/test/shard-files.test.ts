import assert from 'node:assert/strict';
import { shardFiles } from '../../../../scripts/test/shard-files';

describe('shardFiles', () => {
  const files = ['i/agent/a.test.js', 'i/control-plane/b.test.js', 'i/agent/dns/c.test.js', 'i/control-plane/d.test.js', 'i/scripts/e.test.js'];

  it('keeps agent files together in one shard', () => {
    const shards = shardFiles(files, 3);
    const withAgent = shards.filter((s) => s.some((f) => f.includes('/agent/')));
    assert.deepEqual(withAgent, [['i/agent/a.test.js', 'i/agent/dns/c.test.js']]);
    assert.deepEqual(shards.flat().sort(), [...files].sort());
  });

  it('places the longest first, each on the least loaded shard, by recorded durations', () => {
    const seconds: Record<string, number> = { 'e/a.test.js': 300, 'e/b.test.js': 200, 'e/c.test.js': 150, 'e/d.test.js': 100, 'e/e.test.js': 50 };
    const shards = shardFiles(Object.keys(seconds), 2, (f) => seconds[f]);
    // 300 | 200, 150 → 350 | 100 → 400 | 50 → 400
    assert.deepEqual(shards, [['e/a.test.js', 'e/d.test.js'], ['e/b.test.js', 'e/c.test.js', 'e/e.test.js']]);
  });

  it('counts the agent group as the sum of its files, and an unrecorded file as the median', () => {
    const seconds: Record<string, number> = { 'i/agent/a.test.js': 100, 'i/agent/dns/c.test.js': 100, 'i/control-plane/b.test.js': 150, 'i/control-plane/d.test.js': 20 };
    const shards = shardFiles(files, 2, (f) => seconds[f]);
    // agent group 200 first; b 150 on the other; e (median 100) joins b (150 < 200); d 20 joins the agent group (200 < 250)
    assert.deepEqual(shards, [['i/agent/a.test.js', 'i/agent/dns/c.test.js', 'i/control-plane/d.test.js'], ['i/control-plane/b.test.js', 'i/scripts/e.test.js']]);
  });

  it('one shard is every file in order; empty shards are dropped', () => {
    assert.deepEqual(shardFiles(files, 1), [files]);
    assert.deepEqual(shardFiles(['i/control-plane/b.test.js'], 3), [['i/control-plane/b.test.js']]);
  });
});
