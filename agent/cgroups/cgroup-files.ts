/**
 * The cgroup filesystem as pod cgroups use it: directories and one-line control files.
 * Narrow on purpose (STYLE rule 10): the real one is node:fs on /sys/fs/cgroup; tests of the
 * logic above use an in-memory fake with cgroupfs' rules (rmdir only of an empty cgroup).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

export interface CgroupFiles {
  exists(path: string): boolean;
  read(path: string): string;
  /** Writes one value; a control file refusing it throws (EINVAL, EBUSY…). */
  write(path: string, value: string): void;
  /** Creates the directory (not its parents); an existing one is fine. */
  mkdir(path: string): void;
  /** Removes an empty cgroup; a missing one is fine; one with processes or children throws. */
  rmdir(path: string): void;
  /** Names of the real subdirectories (symlinks such as v1's `cpu` → `cpu,cpuacct` are left out). */
  subdirs(path: string): string[];
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

export const nodeCgroupFiles: CgroupFiles = {
  exists: (path) => existsSync(path),
  read: (path) => readFileSync(path, 'utf8'),
  write: (path, value) => writeFileSync(path, value),
  mkdir(path) {
    try {
      mkdirSync(path);
    } catch (err) {
      if (code(err) !== 'EEXIST') throw err;
    }
  },
  rmdir(path) {
    try {
      rmdirSync(path);
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
  },
  subdirs(path) {
    try {
      return readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (err) {
      if (code(err) === 'ENOENT') return [];
      throw err;
    }
  },
};

/** rmdir bottom-up; false when something (a cgroup with processes) stayed. */
export function removeCgroupTree(files: CgroupFiles, dir: string): boolean {
  if (!files.exists(dir)) return true;
  let gone = true;
  for (const child of files.subdirs(dir)) gone = removeCgroupTree(files, `${dir}/${child}`) && gone;
  if (!gone) return false;
  try {
    files.rmdir(dir);
    return true;
  } catch {
    return false;
  }
}
