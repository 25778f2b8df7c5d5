/**
 * A container's cumulative CPU time and memory working set, read from its cgroup as the
 * kubelet's cAdvisor reads them, on either hierarchy version:
 *
 *   v1  cpuacct/<path>/cpuacct.usage (ns)   memory/<path>/memory.usage_in_bytes − memory.stat total_inactive_file
 *   v2  <path>/cpu.stat usage_usec          <path>/memory.current − memory.stat inactive_file
 *
 * The working set never goes below 0 (cAdvisor's rule). Where a container's cgroup is comes from
 * its main process's /proc/<pid>/cgroup, which names it under any cgroup driver.
 */
import path from 'node:path';
import type { CgroupFiles } from '../cgroups/cgroup-files';
import type { CgroupLayout } from '../cgroups/cgroup-layout';

export interface UsageSample {
  /** Cumulative CPU time, nanoseconds. */
  cpuNs: number;
  workingSetBytes: number;
}

/** A process's cgroups: v1 by controller (`cpuacct`, `memory`), v2 under the key ''. */
export type ProcessCgroups = ReadonlyMap<string, string>;

/** Parses /proc/<pid>/cgroup (`4:cpu,cpuacct:/pikube-pi1/pod…/<id>`, `0::/…` on v2). */
export function parseProcCgroup(text: string): ProcessCgroups {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(\/.*)$/.exec(line.trim());
    if (!match) continue;
    const controllers = match[1] === '' ? [''] : match[1].split(',');
    for (const controller of controllers) found.set(controller, match[2]);
  }
  return found;
}

/** `key value` lines (memory.stat, cpu.stat) as numbers. */
export function statValues(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) values.set(key, Number(value));
  }
  return values;
}

/** A one-number control file; a file that holds no number throws (the sample is dropped). */
function readNumber(files: CgroupFiles, file: string): number {
  const value = Number(files.read(file).trim());
  if (!Number.isFinite(value)) throw new Error(`${file} holds no number`);
  return value;
}

function workingSet(usage: number, inactiveFile: number | undefined): number {
  return Math.max(0, usage - (inactiveFile ?? 0));
}

function readV1(files: CgroupFiles, hierarchies: ReadonlyMap<string, string>, cgroups: ProcessCgroups): UsageSample | undefined {
  const cpuRoot = hierarchies.get('cpuacct');
  const memoryRoot = hierarchies.get('memory');
  const cpuPath = cgroups.get('cpuacct');
  if (cpuRoot === undefined || cpuPath === undefined) return undefined;
  const cpuNs = readNumber(files, path.join(cpuRoot, cpuPath, 'cpuacct.usage'));
  const memoryPath = cgroups.get('memory');
  // A Pi booted without the memory controller: CPU only, memory 0 (nothing is measured there).
  if (memoryRoot === undefined || memoryPath === undefined) return { cpuNs, workingSetBytes: 0 };
  const dir = path.join(memoryRoot, memoryPath);
  const usage = readNumber(files, path.join(dir, 'memory.usage_in_bytes'));
  return { cpuNs, workingSetBytes: workingSet(usage, statValues(files.read(path.join(dir, 'memory.stat'))).get('total_inactive_file')) };
}

function readV2(files: CgroupFiles, mount: string, cgroups: ProcessCgroups): UsageSample | undefined {
  const cgroupPath = cgroups.get('');
  if (cgroupPath === undefined) return undefined;
  const dir = path.join(mount, cgroupPath);
  const usageUsec = statValues(files.read(path.join(dir, 'cpu.stat'))).get('usage_usec') ?? 0;
  const memoryFile = path.join(dir, 'memory.current');
  if (!files.exists(memoryFile)) return { cpuNs: usageUsec * 1000, workingSetBytes: 0 };
  const usage = readNumber(files, memoryFile);
  return { cpuNs: usageUsec * 1000, workingSetBytes: workingSet(usage, statValues(files.read(path.join(dir, 'memory.stat'))).get('inactive_file')) };
}

/** The usage of the cgroups a process is in; undefined when they cannot be found (the process is gone). */
export function readCgroupUsage(files: CgroupFiles, layout: CgroupLayout, cgroups: ProcessCgroups): UsageSample | undefined {
  try {
    return layout.version === 2 ? readV2(files, layout.mount, cgroups) : readV1(files, layout.hierarchies, cgroups);
  } catch {
    return undefined;
  }
}
