/**
 * The agent's cgroup preflight: is the memory controller on? Raspberry Pi OS boots with it
 * off, and then Docker silently ignores memory limits. The check says so, names the file to
 * fix, and gives the Node a condition, so limits are not pretended:
 *
 *   MemoryCgroupAvailable  False  MemoryCgroupDisabled  "… append cgroup_enable=memory cgroup_memory=1 to /boot/firmware/cmdline.txt …"
 *
 * v1: the `enabled` column of /proc/cgroups for `memory`, and its hierarchy mounted;
 * v2: `memory` in /sys/fs/cgroup/cgroup.controllers. Paths are injectable for tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeCondition } from '../../api/core-v1';

export interface PreflightPaths {
  procCgroups: string;
  cgroupMount: string;
  /** Where the kernel command line lives, newest Raspberry Pi OS first. */
  bootCmdlines: string[];
}

export const DEFAULT_PREFLIGHT_PATHS: PreflightPaths = {
  procCgroups: '/proc/cgroups',
  cgroupMount: '/sys/fs/cgroup',
  bootCmdlines: ['/boot/firmware/cmdline.txt', '/boot/cmdline.txt'],
};

export const MEMORY_CGROUP_CONDITION = 'MemoryCgroupAvailable';
export const KERNEL_ARGS = 'cgroup_enable=memory cgroup_memory=1';

export interface MemoryCgroupCheck {
  available: boolean;
  cgroupVersion: 1 | 2;
  /** What to do, when unavailable: the file to edit and the words to append. */
  fix?: string;
  /** For the Node's status.conditions (the control plane stamps the times). */
  condition: NodeCondition;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** v1: /proc/cgroups lists `memory <hierarchy> <num_cgroups> <enabled>`; enabled 1 and mounted. */
function v1MemoryEnabled(paths: PreflightPaths): boolean {
  const row = readOr(paths.procCgroups, '').split('\n').map((l) => l.trim().split(/\s+/)).find((cols) => cols[0] === 'memory');
  return row?.[3] === '1' && existsSync(path.join(paths.cgroupMount, 'memory', 'cgroup.procs'));
}

function v2MemoryEnabled(paths: PreflightPaths): boolean {
  return readOr(path.join(paths.cgroupMount, 'cgroup.controllers'), '').split(/\s+/).includes('memory');
}

/** The fix in words: the first boot cmdline.txt that exists, else the kernel command line in general. */
function fixFor(paths: PreflightPaths): string {
  const file = paths.bootCmdlines.find((f) => existsSync(f));
  const where = file ? `to the single line of ${file}` : 'to the kernel command line (/boot/firmware/cmdline.txt on Raspberry Pi OS, /boot/cmdline.txt on older releases)';
  return `append "${KERNEL_ARGS}" ${where} and reboot`;
}

export function checkMemoryCgroup(paths: PreflightPaths = DEFAULT_PREFLIGHT_PATHS): MemoryCgroupCheck {
  const cgroupVersion = existsSync(path.join(paths.cgroupMount, 'cgroup.controllers')) ? 2 : 1;
  const available = cgroupVersion === 2 ? v2MemoryEnabled(paths) : v1MemoryEnabled(paths);
  if (available) {
    return { available, cgroupVersion, condition: { type: MEMORY_CGROUP_CONDITION, status: 'True', reason: 'MemoryCgroupEnabled', message: 'the memory cgroup controller is enabled: memory limits are enforced' } };
  }
  const fix = fixFor(paths);
  const message = `the memory cgroup controller is disabled: memory limits cannot be enforced; ${fix}`;
  return { available, cgroupVersion, fix, condition: { type: MEMORY_CGROUP_CONDITION, status: 'False', reason: 'MemoryCgroupDisabled', message } };
}
