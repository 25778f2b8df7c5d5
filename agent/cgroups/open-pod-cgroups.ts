/**
 * Opens the pod cgroups for Docker's cgroup driver, once at agent start: the host's cgroup
 * version, then directories under `cgroupfs`, systemd slices under `systemd` (after checking
 * that systemd answers on D-Bus). Anything else throws UnsupportedCgroupDriverError; the agent
 * then runs pods with each container's own limits but without pod cgroups, and says so.
 */
import { localCommandRunner } from '../network/command-runner';
import { nodeCgroupFiles, type CgroupFiles } from './cgroup-files';
import { detectCgroupLayout, UnsupportedCgroupDriverError } from './cgroup-layout';
import { CgroupfsPodCgroupTree } from './cgroupfs-pod-cgroup-tree';
import { checkCgroupRoot, PodCgroups } from './pod-cgroups';
import { BusctlSystemdManager, type SystemdManager } from './systemd-manager';
import { SystemdPodCgroupTree } from './systemd-pod-cgroup-tree';

export interface OpenPodCgroupsOptions {
  /** The agent's cgroup root, an absolute cgroup path: `/pikube-pi1`. */
  root: string;
  /** `docker info`'s CgroupDriver. */
  dockerCgroupDriver: string | undefined;
  mount?: string;
  files?: CgroupFiles;
  /** systemd's manager (for the systemd driver); busctl on the system bus by default. */
  systemd?: SystemdManager;
}

export async function openPodCgroups(opts: OpenPodCgroupsOptions): Promise<PodCgroups> {
  checkCgroupRoot(opts.root);
  const files = opts.files ?? nodeCgroupFiles;
  const layout = detectCgroupLayout(files, opts.mount);
  const driver = opts.dockerCgroupDriver ?? 'cgroupfs';
  if (driver === 'cgroupfs') return new PodCgroups(new CgroupfsPodCgroupTree(opts.root, layout, files));
  if (driver !== 'systemd') throw new UnsupportedCgroupDriverError(driver, 'pikube drives the "cgroupfs" and "systemd" drivers only');
  const systemd = opts.systemd ?? new BusctlSystemdManager(localCommandRunner);
  try {
    await systemd.version();
  } catch (err) {
    throw new UnsupportedCgroupDriverError(driver, `systemd does not answer on D-Bus (${(err as Error).message.split('\n')[0]})`);
  }
  return new PodCgroups(new SystemdPodCgroupTree(opts.root, layout, systemd, files));
}
