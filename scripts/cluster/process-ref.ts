/**
 * A process we started, named so that it cannot be confused with a later process that reuses
 * its pid: the pid, its start time in clock ticks since boot, and the boot id. State files
 * outlive processes (and, under .pikube/, reboots); a bare pid from one could name anything.
 */
import { readFileSync } from 'node:fs';

export interface ProcessRef {
  pid: number;
  startTicks: number;
  bootId: string;
}

export function currentBootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** State letter and start time from /proc/<pid>/stat, or undefined when the pid is free. */
function readStat(pid: number): { state: string; startTicks: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTicks: Number(fields[19]) };
}

/** Names a running process; throws when it has already gone. */
export function processRef(pid: number): ProcessRef {
  const stat = readStat(pid);
  if (stat === undefined) throw new Error(`process ${pid} exited right after it started`);
  return { pid, startTicks: stat.startTicks, bootId: currentBootId() };
}

/** Whether the very process the ref names still runs (a zombie does not). */
export function refAlive(ref: ProcessRef): boolean {
  if (ref.bootId !== currentBootId()) return false;
  const stat = readStat(ref.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTicks === ref.startTicks;
}

async function exited(ref: ProcessRef, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (refAlive(ref) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !refAlive(ref);
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (a zombie counts
 * as gone: its parent may not be ours to make reap it). A ref whose process has gone, or
 * whose pid now names another process, is left alone.
 */
export async function stopRef(ref: ProcessRef | undefined, graceMs = 10_000): Promise<void> {
  if (ref === undefined || !signalRef(ref, 'SIGTERM') || (await exited(ref, graceMs))) return;
  signalRef(ref, 'SIGKILL');
  if (!(await exited(ref, 10_000))) throw new Error(`process ${ref.pid} survived SIGKILL`);
}

/** Sends `signal` to the process the ref names, if it still runs. */
export function signalRef(ref: ProcessRef | undefined, signal: NodeJS.Signals): boolean {
  if (ref === undefined || !refAlive(ref)) return false;
  try {
    process.kill(ref.pid, signal);
  } catch (err) {
    // It exited between the check and the signal: already gone, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  return true;
}

/** Whether the process has been reaped (not even a zombie is left under its pid). */
function reaped(ref: ProcessRef): boolean {
  return ref.bootId !== currentBootId() || readStat(ref.pid)?.startTicks !== ref.startTicks;
}

/**
 * Waits until the processes are reaped, which their parents (or init, for orphans) may do
 * a while after they die. Until then, runc still sees a container's init and tools that
 * clean up after it (a restarted containerd) may wait on it. Resolves either way at the deadline.
 */
export async function awaitReaped(refs: ProcessRef[], timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!refs.every(reaped) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return refs.every(reaped);
}
