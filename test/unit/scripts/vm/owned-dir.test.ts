import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentBootId } from '../../../../scripts/cluster/process-ref';
import { claimDir, createOwnedTempDir, isStale, liveOwner, removeStaleDirs } from '../../../../scripts/vm/owned-dir';

describe("the VM runner's owned directories", () => {
  let parent: string;
  beforeEach(() => {
    parent = mkdtempSync(path.join(os.tmpdir(), 'pikube-owned-'));
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  /** A directory whose owner record names a process that is not running (our pid, another start time). */
  function deadRunDir(name: string): string {
    const dir = path.join(parent, name);
    mkdirSync(path.join(dir, 'job'), { recursive: true });
    const dead = { pid: process.pid, startTicks: 1, bootId: currentBootId() };
    writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ owner: dead, groups: [dead] }));
    return dir;
  }

  it('names this process as the owner of what it creates', () => {
    const dir = createOwnedTempDir(parent, 'run-');
    assert.equal(liveOwner(dir), process.pid);
    assert.equal(isStale(dir), false);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8')).owner.pid, process.pid);
  });

  it('lets only one claimant hold a lock directory', () => {
    assert.equal(claimDir(path.join(parent, '.build-k')), true);
    assert.equal(claimDir(path.join(parent, '.build-k')), false);
  });

  it('removes the directories of dead owners, and only those with our prefix', async () => {
    const dead = deadRunDir('run-dead');
    const other = deadRunDir('other-dead');
    const live = createOwnedTempDir(parent, 'run-');
    assert.deepEqual(await removeStaleDirs(parent, 'run-'), [dead]);
    assert.deepEqual([existsSync(dead), existsSync(other), existsSync(live)], [false, true, true]);
  });

  it('gives a directory without an owner record a minute before calling it stale', () => {
    const dir = path.join(parent, 'run-unowned');
    mkdirSync(dir);
    assert.equal(isStale(dir), false);
    const old = new Date(Date.now() - 120_000);
    utimesSync(dir, old, old);
    assert.equal(isStale(dir), true);
  });
});
