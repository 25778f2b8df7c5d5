/**
 * Images made on the node from Debian's static busybox (package busybox-static), imported
 * with `docker import`: no registry is needed. The agent makes its pause image this way on a
 * Pi that lacks it; the simulated cluster makes its test image the same way.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';

export const STATIC_BUSYBOX = '/bin/busybox';

function tar(root: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-C', root, '-cf', out, '.'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}: ${stderr.trim()}`))));
  });
}

/** A rootfs with busybox, the given applet links, /etc/passwd and group, extra files and host files (same paths). */
function writeRootfs(root: string, applets: readonly string[], files: Record<string, string>, hostFiles: readonly string[] = []): void {
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root']) mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync(STATIC_BUSYBOX, path.join(root, 'bin', 'busybox'));
  for (const applet of applets) symlinkSync('busybox', path.join(root, 'bin', applet));
  const all = { 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n', 'etc/group': 'root:x:0:\nnobody:x:65534:\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  for (const file of hostFiles) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    copyFileSync(file, path.join(root, file));
  }
}

async function importTar(docker: Docker, file: string, image: string, cmd: string[]): Promise<void> {
  const [repo, tag = 'latest'] = image.split(':');
  const stream = await docker.importImage(file, { repo, tag, changes: [`CMD ${JSON.stringify(cmd)}`, 'ENV PATH=/bin'] } as object);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
}

export interface BusyboxImage {
  image: string;
  cmd: string[];
  applets: readonly string[];
  files?: Record<string, string>;
  /** Absolute paths of host files copied to the same path in the image. */
  hostFiles?: readonly string[];
}

/** Builds and imports the images into `docker`. Needs /bin/busybox to be the static one. */
export async function importBusyboxImages(docker: Docker, images: readonly BusyboxImage[]): Promise<void> {
  if (!existsSync(STATIC_BUSYBOX)) throw new Error(`${STATIC_BUSYBOX} is missing: install the busybox-static package`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-image-'));
  try {
    for (const [i, spec] of images.entries()) {
      const root = path.join(dir, `rootfs-${i}`);
      writeRootfs(root, spec.applets, spec.files ?? {}, spec.hostFiles);
      const file = path.join(dir, `rootfs-${i}.tar`);
      await tar(root, file);
      await importTar(docker, file, spec.image, spec.cmd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The pause container's image: sleeps forever, holding the pod's network namespace. */
export const PAUSE_IMAGE_SPEC: Omit<BusyboxImage, 'image'> = { cmd: ['/bin/sleep', '2147483647'], applets: ['sh', 'sleep'] };

/** Makes the default pause image on this node when it is missing (a Pi has no registry to pull it from). */
export async function ensurePauseImage(docker: Docker, image: string, isDefault: boolean): Promise<'present' | 'built' | 'absent'> {
  const present = await docker.getImage(image).inspect().then(() => true, () => false);
  if (present) return 'present';
  if (!isDefault) return 'absent'; // a user-chosen pause image is pulled like any other
  await importBusyboxImages(docker, [{ image, ...PAUSE_IMAGE_SPEC }]);
  return 'built';
}
