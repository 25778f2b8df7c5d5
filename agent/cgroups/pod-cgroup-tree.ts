/**
 * Where pod cgroups live, below the agent's cgroup root, addressed by path components
 * (`['burstable', 'pod<uid>']`): plain cgroup directories under Docker's cgroupfs driver
 * (cgroupfs-pod-cgroup-tree.ts), systemd slices under its systemd driver
 * (systemd-pod-cgroup-tree.ts). The QoS logic above it (pod-cgroups.ts) is the same for both.
 */
import type { CgroupValues } from './cgroup-writer';

export interface PodCgroupTree {
  /** What Docker's CgroupParent takes for the cgroup at `levels` (a path, or a slice name). */
  parentOf(levels: string[]): string;
  /** Creates (or updates) the cgroup at `levels` with `values`; returns parentOf(levels). */
  ensure(levels: string[], values: CgroupValues): Promise<string>;
  /** Removes the cgroup at `levels` and the empty ones below it; false while a process still runs in it. */
  remove(levels: string[]): Promise<boolean>;
  /** The path components of the cgroups right below `levels` (`[]`: the agent's root). */
  children(levels: string[]): Promise<string[]>;
}
