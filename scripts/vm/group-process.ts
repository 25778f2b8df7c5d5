/**
 * A child process in a process group of its own (qemu, debootstrap and what it runs), logging
 * to a file. Its own group lets a later run stop all of it by the leader's pid (owned-dir.ts)
 * when the runner that started it was killed.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface GroupProcess {
  pid: number;
  /** Resolves with the exit code, or with the signal's name when a signal ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

export function spawnGroup(cmd: string, args: string[], logFile: string): GroupProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
    const exited = new Promise<number | NodeJS.Signals>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL'));
    });
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}

/** Signals the whole group; a group that is already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
