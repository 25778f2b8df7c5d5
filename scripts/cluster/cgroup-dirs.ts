/**
 * The cgroup directories of a simulated node (`/pikube-<id>-<node>` in every hierarchy, as
 * Docker creates them for `--cgroup-parent`, or the slice `/pikube_<id>_<node>.slice` under
 * Docker's systemd driver). Handles cgroup v1 (one mount per controller,
 * this machine) and v2 (one unified tree, Raspberry Pi OS). Teardown only removes empty
 * directories; the processes it ends first are those of its own containers.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { BusctlSystemdManager } from '../../agent/cgroups/systemd-manager';
import { localCommandRunner } from '../../agent/network/command-runner';
import { sliceNameOf } from '../../agent/cgroups/systemd-slice';
import type { DockerCgroupDriver } from './docker-cgroup-driver';
import { safeRef } from './process-search';
import type { ProcessRef } from './process-ref';

const CGROUP_FS = '/sys/fs/cgroup';

/** The roots of every mounted hierarchy (v2: the one root; v1: each controller's mount). */
export function hierarchyRoots(): string[] {
  if (existsSync(path.join(CGROUP_FS, 'cgroup.controllers'))) return [CGROUP_FS];
  const roots = readdirSync(CGROUP_FS)
    .map((n) => path.join(CGROUP_FS, n))
    .filter((d) => existsSync(path.join(d, 'cgroup.procs')))
    .map((d) => realpathSync(d));
  return [...new Set(roots)];
}

/**
 * The directory a cgroup root (`/pikube-<id>-pi1`) is under each hierarchy root, for Docker's
 * driver: `pikube-<id>-pi1`, or its slice `pikube_<id>_pi1.slice` under systemd.
 */
export function cgroupDirName(root: string, driver: DockerCgroupDriver | undefined): string {
  return driver === 'systemd' ? sliceNameOf(root) : root.replace(/^\//, '');
}

/** Existing directories named `name` directly under a hierarchy root. */
export function cgroupDirs(name: string): string[] {
  return hierarchyRoots().map((root) => path.join(root, name)).filter((d) => existsSync(d));
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

function procsOf(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter((l) => l !== '').map(Number);
  } catch {
    return [];
  }
}

/** Processes anywhere in the subtrees of the named cgroup. */
export function processesInCgroup(name: string): ProcessRef[] {
  const pids = new Set<number>();
  const visit = (dir: string): void => {
    procsOf(dir).forEach((pid) => pids.add(pid));
    subdirs(dir).forEach(visit);
  };
  cgroupDirs(name).forEach(visit);
  return [...pids].filter((pid) => pid !== process.pid).flatMap((pid) => safeRef(pid));
}

/** Removes the directory tree bottom-up where empty; returns the directories that remain. */
function removeEmptyTree(dir: string): string[] {
  const kept = subdirs(dir).flatMap(removeEmptyTree);
  if (kept.length > 0) return [...kept, dir];
  try {
    rmdirSync(dir);
    return [];
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? [] : [dir];
  }
}

/**
 * Removes the named cgroup in every hierarchy where it and its children are empty. A systemd
 * slice (`….slice`, a node under Docker's systemd driver) is stopped first, which removes it
 * and every slice and scope below it: systemd would keep units whose cgroups were rmdir'ed.
 */
export async function removeCgroup(name: string): Promise<string[]> {
  if (name.endsWith('.slice') && cgroupDirs(name).length > 0) await new BusctlSystemdManager(localCommandRunner).stopUnit(name).catch(() => undefined);
  return cgroupDirs(name).flatMap(removeEmptyTree);
}
