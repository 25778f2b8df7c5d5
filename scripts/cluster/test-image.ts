/**
 * The test image: a rootfs of Debian's static busybox, imported with `docker import`.
 * It has httpd, sh, sleep, dd, nc, nslookup, wget through busybox applet links. The pause
 * image is the agent's own (agent/runtime/busybox-image.ts).
 */
import type Docker from 'dockerode';
import { importBusyboxImages, PAUSE_IMAGE_SPEC } from '../../agent/runtime/busybox-image';

export const TEST_IMAGE = 'pikube/busybox:latest';
export const PAUSE_IMAGE = 'pikube/pause:latest';

const APPLETS = ['sh', 'sleep', 'httpd', 'wget', 'nc', 'nslookup', 'cat', 'echo', 'ls', 'ps', 'kill', 'dd', 'true', 'false',
  'env', 'hostname', 'ip', 'ifconfig', 'mkdir', 'rm', 'touch', 'date', 'head', 'tail', 'grep', 'sed', 'awk', 'id', 'top',
  'free', 'df', 'mount', 'cp', 'mv', 'ln', 'chmod', 'uname', 'timeout', 'seq', 'yes', 'tr', 'wc', 'test', '[', 'printf',
  'vi', 'netstat', 'ping', 'traceroute', 'which', 'expr', 'xargs', 'find', 'pwd', 'whoami', 'nproc', 'tee', 'base64', 'stat'];

/** Imports the busybox test image and the pause image into a node's dockerd. */
export async function loadTestImages(docker: Docker): Promise<void> {
  await importBusyboxImages(docker, [
    { image: TEST_IMAGE, cmd: ['/bin/sh'], applets: APPLETS, files: { 'www/index.html': 'pikube test image\n' } },
    { image: PAUSE_IMAGE, ...PAUSE_IMAGE_SPEC },
  ]);
}
