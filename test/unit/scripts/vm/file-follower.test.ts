import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileFollower } from '../../../../scripts/vm/file-follower';

describe('following a file the guest writes', () => {
  let dir: string;
  let got: Buffer[];
  let follower: FileFollower;
  const text = (): string => Buffer.concat(got).toString();

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-follow-'));
    got = [];
    follower = new FileFollower(path.join(dir, 'stdout'), { write: (c: Buffer) => got.push(c) });
  });
  afterEach(() => {
    follower.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the file to appear, then relays each addition once', () => {
    follower.poll();
    assert.equal(text(), '');
    writeFileSync(path.join(dir, 'stdout'), 'one\n');
    follower.poll();
    appendFileSync(path.join(dir, 'stdout'), 'two\n');
    follower.poll();
    follower.poll();
    assert.equal(text(), 'one\ntwo\n');
  });

  it('relays more than one read buffer in a poll', () => {
    const big = 'x'.repeat(200_000);
    writeFileSync(path.join(dir, 'stdout'), big);
    follower.poll();
    assert.equal(text(), big);
  });

  it('starts again from the top when the file is truncated', () => {
    writeFileSync(path.join(dir, 'stdout'), 'old text\n');
    follower.poll();
    writeFileSync(path.join(dir, 'stdout'), 'new\n');
    follower.poll();
    assert.equal(text(), 'old text\nnew\n');
  });
});
