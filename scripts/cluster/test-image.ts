/**
 * The test image: a rootfs of Debian's static busybox, imported with `docker import`.
 * It has httpd, sh, sleep, dd, nc, nslookup, wget through busybox applet links.
 */
import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { runCommand } from './run-command';

export const TEST_IMAGE = 'pikube/busybox:latest';
export const PAUSE_IMAGE = 'pikube/pause:latest';

const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'sleep', 'httpd', 'wget', 'nc', 'nslookup', 'cat', 'echo', 'ls', 'ps', 'kill', 'dd', 'true', 'false',
  'env', 'hostname', 'ip', 'ifconfig', 'mkdir', 'rm', 'touch', 'date', 'head', 'tail', 'grep', 'sed', 'awk', 'id', 'top',
  'free', 'df', 'mount', 'cp', 'mv', 'ln', 'chmod', 'uname', 'timeout', 'seq', 'yes', 'tr', 'wc', 'test', '[', 'printf',
  'vi', 'netstat', 'ping', 'traceroute', 'which', 'expr', 'xargs', 'find', 'pwd', 'whoami', 'nproc', 'tee', 'base64', 'stat'];

/** Builds the rootfs tarball; returns its path. Caller removes the temp dir. */
async function buildRootfsTar(dir: string): Promise<string> {
  const root = path.join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'www', 'proc', 'sys', 'dev', 'root']) mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync(BUSYBOX, path.join(root, 'bin', 'busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', path.join(root, 'bin', applet));
  writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
  writeFileSync(path.join(root, 'www', 'index.html'), 'pikube test image\n');
  const tar = path.join(dir, 'rootfs.tar');
  await runCommand('tar', ['-C', root, '-cf', tar, '.']);
  return tar;
}

async function importTar(docker: Docker, tar: string, image: string, cmd: string[]): Promise<void> {
  const [repo, tag] = image.split(':');
  const stream = await docker.importImage(tar, { repo, tag, changes: [`CMD ${JSON.stringify(cmd)}`, 'ENV PATH=/bin'] } as object);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
}

/**
 * Imports the busybox test image and the pause image (the same rootfs, whose default command
 * sleeps forever holding the pod's network namespace) into a node's dockerd.
 */
export async function loadTestImages(docker: Docker): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-image-'));
  try {
    const tar = await buildRootfsTar(dir);
    await importTar(docker, tar, TEST_IMAGE, ['/bin/sh']);
    await importTar(docker, tar, PAUSE_IMAGE, ['/bin/sleep', '2147483647']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
