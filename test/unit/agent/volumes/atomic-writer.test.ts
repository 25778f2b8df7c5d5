import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { payloadPathProblem, writeAtomically, type Payload } from '../../../../agent/volumes/atomic-writer';

const file = (text: string, mode = 0o644) => ({ data: Buffer.from(text), mode });
const payloadOf = (entries: Record<string, string>, mode = 0o644): Payload => new Map(Object.entries(entries).map(([k, v]) => [k, file(v, mode)]));

describe('atomic writer (the kubelet’s AtomicWriter layout)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-atomic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const timestamped = (): string[] => readdirSync(dir).filter((n) => /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/.test(n));

  it('writes a timestamped directory, a ..data symlink to it and one symlink per key through ..data', () => {
    assert.equal(writeAtomically(dir, payloadOf({ 'redis-config': 'maxmemory 2mb\n', 'nested/a.txt': 'a' }), new Date('2026-12-07T10:40:05Z')), true);
    const [ts] = timestamped();
    assert.match(ts, /^\.\.2026_12_07_10_40_05\.\d+$/);
    assert.equal(statSync(path.join(dir, ts)).mode & 0o777, 0o755);
    assert.equal(readlinkSync(path.join(dir, '..data')), ts);
    assert.equal(readlinkSync(path.join(dir, 'redis-config')), '..data/redis-config');
    assert.equal(readlinkSync(path.join(dir, 'nested')), '..data/nested');
    assert.equal(readFileSync(path.join(dir, 'redis-config'), 'utf8'), 'maxmemory 2mb\n');
    assert.equal(readFileSync(path.join(dir, 'nested/a.txt'), 'utf8'), 'a');
    assert.deepEqual(readdirSync(dir).sort(), ['..data', ts, 'nested', 'redis-config'].sort());
  });

  it('writes nothing when the payload is what ..data holds', () => {
    writeAtomically(dir, payloadOf({ k: 'v' }));
    const before = readlinkSync(path.join(dir, '..data'));
    assert.equal(writeAtomically(dir, payloadOf({ k: 'v' })), false);
    assert.equal(readlinkSync(path.join(dir, '..data')), before);
  });

  it('swaps ..data to a new directory on a change, removes the old one and the keys that left', () => {
    writeAtomically(dir, payloadOf({ keep: 'v1', gone: 'x' }));
    const first = readlinkSync(path.join(dir, '..data'));
    assert.equal(writeAtomically(dir, payloadOf({ keep: 'v2' })), true);
    const second = readlinkSync(path.join(dir, '..data'));
    assert.notEqual(second, first);
    assert.deepEqual(timestamped(), [second]);
    assert.equal(readFileSync(path.join(dir, 'keep'), 'utf8'), 'v2');
    assert.throws(() => lstatSync(path.join(dir, 'gone')));
    assert.throws(() => lstatSync(path.join(dir, '..data_tmp')));
  });

  it('applies each file’s mode, and a mode change alone is a change', () => {
    writeAtomically(dir, new Map([['a', file('x', 0o400)], ['b', file('y', 0o600)]]));
    assert.equal(statSync(path.join(dir, 'a')).mode & 0o777, 0o400);
    assert.equal(statSync(path.join(dir, 'b')).mode & 0o777, 0o600);
    assert.equal(writeAtomically(dir, new Map([['a', file('x', 0o440)], ['b', file('y', 0o600)]])), true);
    assert.equal(statSync(path.join(dir, 'a')).mode & 0o777, 0o440);
  });

  it('refuses paths the kubelet refuses, writing nothing', () => {
    for (const bad of ['/etc/passwd', '../x', 'a/../../x', '..hidden', '']) assert.ok(payloadPathProblem(bad), bad);
    assert.throws(() => writeAtomically(dir, payloadOf({ '../escape': 'x' })), /must not contain '\.\.'/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('never lets a reader see a mix of old and new files', () => {
    writeAtomically(dir, payloadOf({ a: '1', b: '1' }));
    for (let v = 2; v < 20; v++) {
      const held = readlinkSync(path.join(dir, '..data'));
      writeAtomically(dir, payloadOf({ a: String(v), b: String(v) }));
      // Through ..data a reader sees one generation: both files of the new one.
      assert.equal(readFileSync(path.join(dir, 'a'), 'utf8'), readFileSync(path.join(dir, 'b'), 'utf8'));
      assert.notEqual(readlinkSync(path.join(dir, '..data')), held);
    }
  });
});
