/**
 * The test image: a rootfs of Debian's static busybox, imported with `docker import`.
 * Every busybox applet is linked (httpd, sh, tar, nc, nslookup, wget, vi, …). The pause
 * image is the agent's own (agent/runtime/busybox-image.ts).
 *
 * A static glibc resolves names through DNS only by loading the shared NSS modules at run time
 * (without them `wget http://web/` says "bad address"), so the host's glibc NSS libraries
 * are copied in: names resolve through the pod's resolv.conf as in any distribution image.
 * (This busybox's `wget -T` crashes: tests bound wget with `timeout` instead.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { importBusyboxImages, PAUSE_IMAGE_SPEC, STATIC_BUSYBOX } from '../../agent/runtime/busybox-image';

export const TEST_IMAGE = 'pikube/busybox:latest';
export const PAUSE_IMAGE = 'pikube/pause:latest';

/**
 * Every applet this busybox has (`busybox --list`), linked in /bin: a full userland, so what
 * users run from the books works — `tar` for `kubectl cp`, `vi`, `less`, `nslookup`, …
 */
export function busyboxApplets(list: () => string = () => execFileSync(STATIC_BUSYBOX, ['--list'], { encoding: 'utf8' })): string[] {
  return list().split('\n').map((a) => a.trim()).filter((a) => a !== '' && a !== 'busybox' && !a.includes('/'));
}

const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf' };
const LOADERS = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1', '/lib/ld-linux-armhf.so.3'];

/** The host's glibc pieces a static binary loads to resolve names through DNS (those that exist). */
export function glibcNssFiles(arch = process.arch, exists: (p: string) => boolean = existsSync): string[] {
  const dir = `/lib/${MULTIARCH[arch] ?? ''}`;
  const libs = ['libc.so.6', 'libnss_dns.so.2', 'libnss_files.so.2', 'libresolv.so.2'].map((l) => `${dir}/${l}`);
  return [...libs, ...LOADERS].filter(exists);
}

/** Imports the busybox test image and the pause image into a node's dockerd. */
export async function loadTestImages(docker: Docker): Promise<void> {
  await importBusyboxImages(docker, [
    { image: TEST_IMAGE, cmd: ['/bin/sh'], applets: busyboxApplets(), files: { 'www/index.html': 'pikube test image\n' }, hostFiles: glibcNssFiles() },
    { image: PAUSE_IMAGE, ...PAUSE_IMAGE_SPEC },
  ]);
}
