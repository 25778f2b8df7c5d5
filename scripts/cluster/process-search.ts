/**
 * Finds the processes a cluster left behind when a graceful stop missed them: those inside
 * one of its network namespaces (a node's dockerd, containerd, shims, agent; a namespace
 * with a process in it outlives `ip netns delete`, and with it its interfaces), and those
 * started with one of its own directories as `--data-dir` (etcd, the control plane). Only
 * namespaces and directories we created are ever searched for.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { netnsPath } from './netns';
import { processRef, signalRef, stopRef, type ProcessRef } from './process-ref';

function netnsInode(name: string): number | undefined {
  try {
    return statSync(netnsPath(name)).ino;
  } catch {
    return undefined;
  }
}

function pidNetnsInode(pid: number): number | undefined {
  try {
    return Number(/^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1]);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => pid !== process.pid);
}

/** Refs of the processes whose network namespace is the named one. */
export function processesInNetns(name: string): ProcessRef[] {
  const inode = netnsInode(name);
  if (inode === undefined) return [];
  return allPids().filter((pid) => pidNetnsInode(pid) === inode).flatMap((pid) => safeRef(pid));
}

function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Refs of the processes whose argv holds `flag` immediately followed by `value`. */
export function processesWithFlag(flag: string, value: string): ProcessRef[] {
  const matches = (argv: string[]): boolean => argv.some((arg, i) => arg === flag && argv[i + 1] === value);
  return allPids().filter((pid) => matches(argvOf(pid))).flatMap((pid) => safeRef(pid));
}

export function safeRef(pid: number): ProcessRef[] {
  try {
    return [processRef(pid)];
  } catch {
    return [];
  }
}

/** SIGTERM to all at once, SIGKILL to whoever is left after the grace period. */
export async function stopAll(refs: ProcessRef[], graceMs = 5_000): Promise<void> {
  await Promise.all(refs.map((ref) => stopRef(ref, graceMs)));
}

/** SIGKILL to all at once, as a power cut would; resolves once they are gone. */
export async function killAll(refs: ProcessRef[]): Promise<void> {
  refs.forEach((ref) => signalRef(ref, 'SIGKILL'));
  await stopAll(refs, 2_000);
}
