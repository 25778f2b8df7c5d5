import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setUpHostPath } from '../../../../agent/volumes/host-path';
import { tmpfsSize } from '../../../../agent/volumes/empty-dir';

describe('hostPath volumes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-hostpath-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('DirectoryOrCreate makes the directory 0755', () => {
    const p = path.join(dir, 'a', 'b');
    assert.equal(setUpHostPath({ path: p, type: 'DirectoryOrCreate' }), p);
    assert.equal(statSync(p).mode & 0o777, 0o755);
  });

  it('FileOrCreate makes an empty 0644 file', () => {
    const p = path.join(dir, 'f');
    setUpHostPath({ path: p, type: 'FileOrCreate' });
    assert.ok(statSync(p).isFile());
    assert.equal(statSync(p).mode & 0o777, 0o644);
  });

  it('checks Directory, File and Socket with the kubelet message', () => {
    writeFileSync(path.join(dir, 'file'), '');
    assert.throws(() => setUpHostPath({ path: path.join(dir, 'file'), type: 'Directory' }), /^Error: hostPath type check failed: .*\/file is not a directory$/);
    assert.throws(() => setUpHostPath({ path: path.join(dir, 'missing'), type: 'File' }), /hostPath type check failed: .*\/missing is not a file/);
    assert.throws(() => setUpHostPath({ path: dir, type: 'Socket' }), /is not a socket file/);
    assert.equal(setUpHostPath({ path: dir, type: 'Directory' }), dir);
  });

  it('no type checks nothing and makes a missing path a directory, as the runtimes do', () => {
    const p = path.join(dir, 'new');
    setUpHostPath({ path: p });
    assert.ok(existsSync(p) && statSync(p).isDirectory());
  });

  it('refuses relative paths and ".."', () => {
    assert.throws(() => setUpHostPath({ path: 'rel' }), /absolute/);
    assert.throws(() => setUpHostPath({ path: '/tmp/../etc' }), /absolute/);
  });

  it('turns an emptyDir sizeLimit into tmpfs bytes', () => {
    assert.equal(tmpfsSize('16Mi'), 16 * 1024 * 1024);
    assert.equal(tmpfsSize(undefined), undefined);
    assert.ok(tmpfsSize('lots') instanceof Error);
  });
});
