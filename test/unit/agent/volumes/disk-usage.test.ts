import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diskUsageBytes } from '../../../../agent/volumes/disk-usage';

describe('diskUsageBytes (du -s of a volume)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'pkit-du-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const signal = new AbortController().signal;

  it('counts the blocks of files in nested directories, hard links once, symlinks as links', async () => {
    const empty = await diskUsageBytes(dir, signal);
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(dir, 'a', 'b', 'data'), Buffer.alloc(3 * 1024 * 1024, 1));
    linkSync(path.join(dir, 'a', 'b', 'data'), path.join(dir, 'hard'));
    symlinkSync('/usr', path.join(dir, 'link'));
    const used = await diskUsageBytes(dir, signal);
    assert.ok(used - empty >= 3 * 1024 * 1024, `${used - empty}`);
    assert.ok(used - empty < 4 * 1024 * 1024, `counted twice or followed the symlink: ${used - empty}`);
  });

  it('is 0 for a missing directory', async () => assert.equal(await diskUsageBytes(path.join(dir, 'gone'), signal), 0));
});
