/**
 * The agent's mount(8) calls on this machine (root): a file system mounted with options and
 * unmounted again, and a failed mount reported in the kubelet's words (what a pod's FailedMount
 * event shows for an nfs volume whose mount fails). This machine's kernel has no NFS client
 * (see README), so a real nfs mount is not exercised here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemMounter } from '../../../../agent/volumes/tmpfs-mounter';

function mountOf(dir: string): string | undefined {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === dir);
}

describe('system mounter (mount(8) as root)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'pkit-mount-')); });
  after(async () => {
    await systemMounter.unmount(dir, AbortSignal.timeout(10_000));
    if (!mountOf(dir)) rmSync(dir, { recursive: true, force: true });
  });

  it('mounts a file system with its options on the directory, and unmounts it', async () => {
    await systemMounter.mountFilesystem('tmpfs', 'pikube-test', dir, ['size=1m', 'ro'], AbortSignal.timeout(10_000));
    assert.match(mountOf(dir) ?? '', /^pikube-test \S+ tmpfs ro,.*size=1024k/);
    assert.equal(systemMounter.isMountPoint(dir), true);
    assert.equal(await systemMounter.isLocalMountPoint(dir), true);
    await systemMounter.unmount(dir, AbortSignal.timeout(10_000));
    assert.equal(mountOf(dir), undefined);
    assert.equal(await systemMounter.isLocalMountPoint(dir), false);
  });

  it('reports a failed mount as the kubelet does: exit status, command, arguments, output', async () => {
    await assert.rejects(systemMounter.mountFilesystem('pikubenofs', 'nas:/export', dir, ['nfsvers=4.1'], AbortSignal.timeout(10_000)), (err: Error) => {
      assert.match(err.message, new RegExp(`^mount failed: exit status 32\\nMounting command: mount\\nMounting arguments: -t pikubenofs -o nfsvers=4.1 nas:/export ${dir}\\nOutput: .*unknown filesystem type`));
      return true;
    });
    assert.equal(mountOf(dir), undefined);
  });
});
