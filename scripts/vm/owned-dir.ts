/**
 * A working directory of the VM runner (a run's overlay and job share, an image being built)
 * whose owner.json names the runner process that made it and the process groups it started
 * there (qemu, debootstrap). When the owner has died, the next run stops those groups and
 * removes the directory: a killed run leaves nothing behind for long.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unmountUnder } from '../cluster/mounts';
import { processRef, refAlive, stopRef, type ProcessRef } from '../cluster/process-ref';
import { runCommand } from '../cluster/run-command';
import { signalGroup } from './group-process';

interface OwnerRecord {
  owner: ProcessRef;
  /** Leaders of process groups started for this directory; the whole group is stopped. */
  groups: ProcessRef[];
}

const OWNER_FILE = 'owner.json';
/** A directory without a readable owner file is a run killed between mkdir and the write. */
const UNOWNED_GRACE_MS = 60_000;

function writeOwner(dir: string, record: OwnerRecord): void {
  const tmp = path.join(dir, `${OWNER_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(record));
  renameSync(tmp, path.join(dir, OWNER_FILE));
}

function readOwner(dir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** A fresh uniquely named directory `<parent>/<prefix>XXXXXX`, owned by this process. */
export function createOwnedTempDir(parent: string, prefix: string): string {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, prefix));
  writeOwner(dir, { owner: processRef(process.pid), groups: [] });
  return dir;
}

/** Creates exactly `dir`, owned by this process; false when it already exists (someone holds it). */
export function claimDir(dir: string): boolean {
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  writeOwner(dir, { owner: processRef(process.pid), groups: [] });
  return true;
}

/** Records a process group leader started for `dir`, so a later run can stop it if we die. */
export function recordGroup(dir: string, pid: number): ProcessRef {
  const record = readOwner(dir);
  if (record === undefined) throw new Error(`${dir} has no owner record`);
  const ref = processRef(pid);
  writeOwner(dir, { ...record, groups: [...record.groups, ref] });
  return ref;
}

/** The owner (pid) while it still runs; undefined once it has died or never wrote its record. */
export function liveOwner(dir: string): number | undefined {
  const record = readOwner(dir);
  return record !== undefined && refAlive(record.owner) ? record.owner.pid : undefined;
}

/** Whether `dir` belongs to a runner that has died. */
export function isStale(dir: string): boolean {
  const record = readOwner(dir);
  if (record === undefined) return Date.now() - statSync(dir).mtimeMs > UNOWNED_GRACE_MS;
  return !refAlive(record.owner);
}

/**
 * SIGTERM, then SIGKILL, to a recorded group while its leader still runs. A group whose leader
 * has gone is left alone: its id may since name another process's group.
 */
async function stopGroup(ref: ProcessRef): Promise<void> {
  if (!refAlive(ref)) return;
  signalGroup(ref.pid, 'SIGTERM');
  await stopRef(ref, 5_000);
}

/**
 * Unmounts whatever is mounted below `dir` (a killed debootstrap leaves /proc and /sys mounted
 * in its target) and removes it without ever crossing into another filesystem.
 */
export async function removeTree(dir: string): Promise<void> {
  const left = await unmountUnder(dir);
  if (left.length > 0) throw new Error(`cannot remove ${dir}: still mounted: ${left.join(', ')}`);
  await runCommand('rm', ['-rf', '--one-file-system', '--', dir]);
}

/** Stops the directory's process groups, then removes it (removeTree). */
export async function removeOwnedDir(dir: string): Promise<void> {
  for (const ref of readOwner(dir)?.groups ?? []) await stopGroup(ref);
  await removeTree(dir);
}

/** Removes every `<parent>/<prefix>*` whose runner has died; returns what it removed. */
export async function removeStaleDirs(parent: string, prefix: string): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  const stale = names.map((n) => path.join(parent, n)).filter(isStale);
  for (const dir of stale) await removeOwnedDir(dir);
  return stale;
}
