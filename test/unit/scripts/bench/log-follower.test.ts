import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogFollower } from '../../../../scripts/bench/log-follower';

describe('following log files during a benchmark', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'log-follower-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps only lines written after it started, in order, with phase marks between them', () => {
    const file = path.join(dir, 'agent.log');
    writeFileSync(file, 'before the benchmark\n');
    const follower = new LogFollower({ 'agent pi1': file, 'control plane': path.join(dir, 'not-yet.log') });
    appendFileSync(file, 'session ended\n');
    follower.mark('phase two');
    appendFileSync(file, 'Error: boom\n    at frame (x.js:1:1)\nhalf a li');
    const lines = follower.stop().map((l) => `${l.source}: ${l.line}`);
    assert.deepEqual(lines, ['bench: phase two', 'agent pi1: session ended', 'agent pi1: Error: boom']);
  });

  it('holds an unfinished line back until its newline arrives', () => {
    const file = path.join(dir, 'agent.log');
    writeFileSync(file, '');
    const follower = new LogFollower({ a: file });
    follower.follow(10_000);
    appendFileSync(file, 'half ');
    follower.mark('m');
    appendFileSync(file, 'and the rest\n');
    assert.deepEqual(follower.stop().map((l) => l.line), ['m', 'half and the rest']);
  });

  it('reads the lines already written too when told to start from the beginning', () => {
    const file = path.join(dir, 'agent.log');
    writeFileSync(file, 'full iptables restore took 175 ms\n');
    const follower = new LogFollower({ a: file }, { fromStart: true });
    appendFileSync(file, 'later\n');
    assert.deepEqual(follower.stop().map((l) => l.line), ['full iptables restore took 175 ms', 'later']);
  });
});
