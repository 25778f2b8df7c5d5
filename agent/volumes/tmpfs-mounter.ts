/**
 * Mounting a tmpfs for `emptyDir.medium: Memory` volumes, through mount(8)/umount(8) with
 * fixed arguments (no shell; the directory is built by the agent from validated names). Docker
 * bind-mounts the directory into every container of the pod, so they share one tmpfs, as the
 * kubelet's memory-backed emptyDir does. The agent and dockerd share a mount namespace.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Mounter {
  /** Mounts a tmpfs on `dir` (which exists); `sizeBytes` bounds it, else the kernel's default. */
  mountTmpfs(dir: string, sizeBytes: number | undefined, signal: AbortSignal): Promise<void>;
  /** Unmounts `dir`; a directory that is not a mount point is left as it is. */
  unmount(dir: string, signal: AbortSignal): Promise<void>;
  isMountPoint(dir: string): boolean;
}

function run(file: string, args: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { signal, timeout: 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}

/** Mount points from /proc/self/mountinfo (field 5), with the kernel's octal escapes undone. */
function mountPoints(): Set<string> {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  return new Set(lines.map((l) => l.split(' ')[4]).filter((p): p is string => !!p).map(unescape));
}

export const systemMounter: Mounter = {
  async mountTmpfs(dir, sizeBytes, signal) {
    const options = ['mode=1777', ...(sizeBytes !== undefined ? [`size=${sizeBytes}`] : [])].join(',');
    await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path.resolve(dir)], signal);
  },
  async unmount(dir, signal) {
    if (this.isMountPoint(dir)) await run('umount', [path.resolve(dir)], signal);
  },
  isMountPoint(dir) {
    return mountPoints().has(path.resolve(dir));
  },
};
