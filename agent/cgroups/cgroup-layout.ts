/**
 * Which cgroup hierarchy this host runs, detected once at start: v2 (one unified tree,
 * Raspberry Pi OS Bookworm) when the mount holds `cgroup.controllers`, else v1 (a hierarchy
 * per controller, e.g. /sys/fs/cgroup/memory, /sys/fs/cgroup/cpu,cpuacct).
 */
import path from 'node:path';
import type { CgroupFiles } from './cgroup-files';

export const CGROUP_MOUNT = '/sys/fs/cgroup';

export type CgroupLayout =
  | { version: 1; mount: string; /** controller → hierarchy root */ hierarchies: Map<string, string> }
  | { version: 2; mount: string; /** controllers the root offers */ controllers: string[] };

/** Docker's cgroup driver cannot be driven here (an unknown one, or systemd without D-Bus). */
export class UnsupportedCgroupDriverError extends Error {
  override readonly name = 'UnsupportedCgroupDriverError';
  constructor(driver: string, why: string) {
    super(
      `Docker uses the "${driver}" cgroup driver: ${why}; to use the filesystem instead, add ` +
        `"exec-opts": ["native.cgroupdriver=cgroupfs"] to /etc/docker/daemon.json and restart Docker`,
    );
  }
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Every v1 hierarchy under the mount: a directory holding `cgroup.procs`, named after its controllers. */
function v1Hierarchies(files: CgroupFiles, mount: string): Map<string, string> {
  const hierarchies = new Map<string, string>();
  for (const name of files.subdirs(mount)) {
    const dir = path.join(mount, name);
    if (!files.exists(path.join(dir, 'cgroup.procs'))) continue;
    for (const controller of name.split(',')) hierarchies.set(controller, dir);
  }
  return hierarchies;
}

export function detectCgroupLayout(files: CgroupFiles, mount = CGROUP_MOUNT): CgroupLayout {
  const controllersFile = path.join(mount, 'cgroup.controllers');
  if (files.exists(controllersFile)) return { version: 2, mount, controllers: words(files.read(controllersFile)) };
  const hierarchies = v1Hierarchies(files, mount);
  if (hierarchies.size === 0) throw new Error(`no cgroup hierarchy is mounted under ${mount}`);
  return { version: 1, mount, hierarchies };
}

/** Every directory at which a pod cgroup path may exist (v1: each hierarchy once; v2: the unified root). */
export function hierarchyRoots(layout: CgroupLayout): string[] {
  return layout.version === 2 ? [layout.mount] : [...new Set(layout.hierarchies.values())];
}
