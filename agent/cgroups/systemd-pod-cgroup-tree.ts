/**
 * Pod cgroups as systemd slices, for Docker's systemd cgroup driver (its default on cgroup v2
 * hosts such as Raspberry Pi OS): `/pikube/burstable/pod<uid>` is the transient slice
 * `pikube-burstable-pod<uid>.slice`, made over D-Bus with the pod's limits as unit properties,
 * since systemd owns that tree and would overwrite limits written to its files. Docker's
 * CgroupParent is the slice name; runc puts each container's scope in it. A slice is stopped
 * only once nothing runs in it: stopping one with a live scope would kill the containers.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { removeCgroupTree, type CgroupFiles } from './cgroup-files';
import { hierarchyRoots, type CgroupLayout } from './cgroup-layout';
import type { CgroupValues } from './cgroup-writer';
import type { PodCgroupTree } from './pod-cgroup-tree';
import type { SystemdManager } from './systemd-manager';
import { systemdProperties } from './systemd-properties';
import { childComponent, sliceCgroupPath, sliceNameOf } from './systemd-slice';

const VANISH_TIMEOUT_MS = 2_000;
const VANISH_POLL_MS = 20;

export class SystemdPodCgroupTree implements PodCgroupTree {
  constructor(
    private readonly root: string,
    private readonly layout: CgroupLayout,
    private readonly systemd: SystemdManager,
    private readonly files: CgroupFiles,
  ) {}

  parentOf(levels: string[]): string {
    return sliceNameOf(path.posix.join(this.root, ...levels));
  }

  async ensure(levels: string[], values: CgroupValues): Promise<string> {
    const slice = this.parentOf(levels);
    await this.systemd.ensureSlice(slice, systemdProperties(values, this.layout.version));
    return slice;
  }

  /** Stops the slice once empty and waits (briefly) until systemd has removed its cgroup. */
  async remove(levels: string[]): Promise<boolean> {
    const slice = this.parentOf(levels);
    const dirs = this.dirsOf(slice);
    if (dirs.some((dir) => this.populated(dir))) return false;
    if (!dirs.some((dir) => this.files.exists(dir))) return true;
    await this.systemd.stopUnit(slice);
    const deadline = Date.now() + VANISH_TIMEOUT_MS;
    for (;;) {
      // What systemd does not remove itself (v1 hierarchies it does not manage, where runc made
      // the containers' cgroups) goes with rmdir, as under cgroupfs: only empty cgroups can.
      const left = dirs.filter((dir) => this.files.exists(dir));
      if (left.length === 0) return true;
      if (Date.now() > deadline) return left.every((dir) => removeCgroupTree(this.files, dir));
      await sleep(VANISH_POLL_MS);
    }
  }

  async children(levels: string[]): Promise<string[]> {
    const slice = this.parentOf(levels);
    const names = this.dirsOf(slice).flatMap((dir) => this.files.subdirs(dir));
    return [...new Set(names.map((name) => childComponent(slice, name)).filter((c): c is string => c !== undefined))];
  }

  /** The slice's cgroup directory in every hierarchy. */
  private dirsOf(slice: string): string[] {
    return hierarchyRoots(this.layout).map((hierarchy) => path.join(hierarchy, sliceCgroupPath(slice)));
  }

  /** A process in the cgroup or any cgroup below it. */
  private populated(dir: string): boolean {
    if (!this.files.exists(dir)) return false;
    const procs = path.join(dir, 'cgroup.procs');
    if (this.files.exists(procs) && this.files.read(procs).trim() !== '') return true;
    return this.files.subdirs(dir).some((child) => this.populated(path.join(dir, child)));
  }
}
