import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backoff } from '../../../../base/backoff';
import { FileBackoffStore } from '../../../../agent/pods/backoff-store';

describe('persisted container backoff', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-backoff-'));
    file = path.join(dir, 'state', 'container-backoff.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a new Backoff on the same file continues where the old one was (an agent restart)', () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const before = new Backoff(clock, undefined, new FileBackoffStore(file));
    before.next('pod/app', now);
    before.next('pod/app', (now += 15_000));
    const after = new Backoff(clock, undefined, new FileBackoffStore(file));
    assert.equal(after.delayOf('pod/app'), 20_000);
    assert.equal(after.blockedUntil('pod/app', now), now + 20_000);
    assert.equal(after.next('pod/app', (now += 25_000)), 40_000);
  });

  it('forgets pods and expired entries in the file too', () => {
    let now = 0;
    const b = new Backoff({ now: () => now }, undefined, new FileBackoffStore(file));
    b.next('gone/app', 0);
    b.next('kept/app', 0);
    b.forgetPrefix('gone/');
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')).entries), ['kept/app']);
    now = 11 * 60_000;
    b.next('other/app', now);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')).entries), ['other/app']);
  });

  it('starts empty from a damaged file, and logs it', () => {
    const logs: string[] = [];
    new FileBackoffStore(file).save(new Map());
    writeFileSync(file, '{"version":1,"entries":{"a/b":{"delayMs":');
    assert.equal(new FileBackoffStore(file, (m) => logs.push(m)).load().size, 0);
    assert.equal(logs.length, 1);
  });
});
