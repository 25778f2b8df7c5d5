/**
 * The node's eviction signals, measured as the kubelet measures them on Linux:
 *
 * - `memory.available` = capacity − working set, the working set being the memory in use
 *   less the inactive file cache (reclaimable without I/O). The kubelet reads the root
 *   cgroup through cAdvisor; with no root memory.current on cgroup v2, the same numbers come
 *   from /proc/meminfo here: available = MemFree + Inactive(file).
 * - `nodefs.available`: free blocks for unprivileged users (statfs f_bavail) of the file
 *   system holding the agent's state directory (pod volumes, logs), capacity its size;
 * - `imagefs.available`: the same for Docker's data root (images, writable layers).
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#eviction-signals
 */
import { readFile, statfs } from 'node:fs/promises';
import type { EvictionSignal } from './eviction-thresholds';

export interface SignalObservation {
  availableBytes: number;
  capacityBytes: number;
}

export type SignalObservations = Partial<Record<EvictionSignal, SignalObservation>>;

/** `memory.available` from the text of /proc/meminfo (values in kB); an Error when a field is missing. */
export function memoryFromMeminfo(text: string): SignalObservation | Error {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m?.[1] && m[2]) fields.set(m[1], Number(m[2]) * 1024);
  }
  const total = fields.get('MemTotal');
  const free = fields.get('MemFree');
  const inactiveFile = fields.get('Inactive(file)');
  if (total === undefined || free === undefined || inactiveFile === undefined) return new Error('/proc/meminfo lacks MemTotal, MemFree or Inactive(file)');
  const workingSet = Math.max(0, total - free - inactiveFile);
  return { capacityBytes: total, availableBytes: total - workingSet };
}

/** A file system's signal from statfs(2): f_bavail and f_blocks, in f_bsize units. */
export function filesystemObservation(s: { bavail: number; blocks: number; bsize: number }): SignalObservation {
  return { availableBytes: s.bavail * s.bsize, capacityBytes: s.blocks * s.bsize };
}

export interface SignalPaths {
  /** The file system of the agent's state directory. */
  nodefs: string;
  /** Docker's data root; resolved each time (Docker may not answer at start). */
  imagefs: () => Promise<string | undefined>;
  /** Default /proc/meminfo. */
  meminfo?: string;
}

/** Measures every signal it can; one that cannot be read is left out (no threshold can be met on it). */
export async function observeSignals(paths: SignalPaths): Promise<SignalObservations> {
  const observations: SignalObservations = {};
  const memory = await readFile(paths.meminfo ?? '/proc/meminfo', 'utf8').then(memoryFromMeminfo, (err: unknown) => err as Error);
  if (!(memory instanceof Error)) observations['memory.available'] = memory;
  const nodefs = await statfs(paths.nodefs).then(filesystemObservation, () => undefined);
  if (nodefs) observations['nodefs.available'] = nodefs;
  const imageRoot = await paths.imagefs().catch(() => undefined);
  const imagefs = imageRoot ? await statfs(imageRoot).then(filesystemObservation, () => undefined) : undefined;
  if (imagefs) observations['imagefs.available'] = imagefs;
  return observations;
}
