/**
 * Mounting a tmpfs for `emptyDir.medium: Memory` (and secret) volumes, and network file systems
 * (nfs), through mount(8)/umount(8) with
 * fixed arguments (no shell; the directory is built by the agent from validated names). Docker
 * bind-mounts the directory into every container of the pod, so they share one tmpfs, as the
 * kubelet's memory-backed emptyDir does. The agent and dockerd share a mount namespace.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface Mounter {
  /** Mounts a tmpfs on `dir` (which exists); `sizeBytes` bounds it, else the kernel's default. */
  mountTmpfs(dir: string, sizeBytes: number | undefined, signal: AbortSignal): Promise<void>;
  /**
   * `mount -t <type> [-o <options>] <source> <dir>` (a network file system such as nfs). On
   * failure, rejects with the kubelet's mount error text (`mount failed: exit status 32`,
   * the command, its arguments and its output).
   */
  mountFilesystem(type: string, source: string, dir: string, options: string[], signal: AbortSignal): Promise<void>;
  /** Unmounts `dir`; a directory that is not a mount point is left as it is. */
  unmount(dir: string, signal: AbortSignal): Promise<void>;
  /** Whether `dir` is a mount point, from the kernel's mount table (never blocks on a dead network file system). */
  isMountPoint(dir: string): boolean;
  /**
   * Whether a file system is mounted on `dir`, a local directory of the agent's (a tmpfs it
   * mounts there): by device, as the kubelet's IsLikelyNotMountPoint (a mount has a device of
   * its own), without reading the whole mount table. Never for a network file system, whose
   * stat can hang.
   */
  isLocalMountPoint(dir: string): Promise<boolean>;
}

function run(file: string, args: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { signal, timeout: 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}

/** mount(8) with the kubelet's error text (mount-utils MountSensitive on Linux). */
function runMount(args: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('mount', args, { signal, timeout: 120_000 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      if (signal.aborted) return reject(err);
      const code = typeof err.code === 'number' ? `exit status ${err.code}` : err.message;
      reject(new Error(`mount failed: ${code}\nMounting command: mount\nMounting arguments: ${args.join(' ')}\nOutput: ${`${String(stdout)}${String(stderr)}`.trim()}`));
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
  async mountFilesystem(type, source, dir, options, signal) {
    await runMount(['-t', type, ...(options.length > 0 ? ['-o', options.join(',')] : []), source, path.resolve(dir)], signal);
  },
  async unmount(dir, signal) {
    if (this.isMountPoint(dir)) await run('umount', [path.resolve(dir)], signal);
  },
  isMountPoint(dir) {
    return mountPoints().has(path.resolve(dir));
  },
  async isLocalMountPoint(dir) {
    const resolved = path.resolve(dir);
    const [own, parent] = await Promise.all([stat(resolved), stat(path.dirname(resolved))]);
    return own.dev !== parent.dev;
  },
};
