import assert from 'node:assert/strict';
import { shardFiles } from '../../../../scripts/test/shard-files';

describe('shardFiles', () => {
  const files = ['i/agent/a.test.js', 'i/control-plane/b.test.js', 'i/agent/dns/c.test.js', 'i/control-plane/d.test.js', 'i/scripts/e.test.js'];

  it('keeps agent files together and deals the others among the remaining shards', () => {
    assert.deepEqual(shardFiles(files, 3), [
      ['i/agent/a.test.js', 'i/agent/dns/c.test.js'],
      ['i/control-plane/b.test.js', 'i/scripts/e.test.js'],
      ['i/control-plane/d.test.js'],
    ]);
  });

  it('without agent files, deals every file among all the shards', () => {
    const e2e = ['e/a.test.js', 'e/b.test.js', 'e/c.test.js'];
    assert.deepEqual(shardFiles(e2e, 2), [['e/a.test.js', 'e/c.test.js'], ['e/b.test.js']]);
  });

  it('one shard is every file in order; empty shards are dropped', () => {
    assert.deepEqual(shardFiles(files, 1), [files]);
    assert.deepEqual(shardFiles(['i/control-plane/b.test.js'], 3), [['i/control-plane/b.test.js']]);
  });
});
