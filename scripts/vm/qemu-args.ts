/**
 * The qemu command line for one job: direct kernel boot of the cached image through a qcow2
 * overlay, two virtio-9p shares (the repository read-only, the job directory read-write), the
 * serial console to a file, and no network device at all.
 */
import type { Accel } from './vm-accel';
import { JOB_TAG, REPO_TAG } from './job-dir';
import type { VmImage } from './vm-image';
import type { CgroupVersion } from './vm-options';

export const VM_CPUS = 2;
export const VM_MEMORY_MIB = 3072;

export interface QemuPlan {
  accel: Accel;
  image: VmImage;
  overlay: string;
  repo: string;
  jobDir: string;
  consoleLog: string;
  cgroup: CgroupVersion;
  /** More kernel arguments, after ours. */
  kernelArgs?: string;
}

/**
 * root on the virtio disk; panic=-1 with -no-reboot turns a kernel panic into qemu exiting.
 * systemd 252 (bookworm) boots v1 (hybrid) with systemd.unified_cgroup_hierarchy=0.
 * apparmor=0: Raspberry Pi OS kernels do not enable AppArmor (Debian's do, and then Docker
 * refuses to start containers without apparmor_parser), so the VM matches the Pi.
 * `extra` comes last, so it can override any of these (e.g. `cgroup_disable=memory` as on a Pi).
 */
export function kernelCmdline(cgroup: CgroupVersion, extra = ''): string {
  const unified = cgroup === 'v2' ? 1 : 0;
  return `root=/dev/vda rw console=ttyS0 panic=-1 apparmor=0 systemd.unified_cgroup_hierarchy=${unified} ${extra}`.trim();
}

/** A 9p share; the ids qemu gives files of several host filesystems are remapped to stay unique. */
function share(path: string, tag: string, readonly: boolean): string[] {
  if (path.includes(',')) throw new Error(`qemu cannot share a path with a comma: ${path}`);
  return ['-virtfs', `local,path=${path},mount_tag=${tag},security_model=none,multidevs=remap${readonly ? ',readonly=on' : ''}`];
}

export function qemuArgs(plan: QemuPlan): string[] {
  return [
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-accel', plan.accel.accelArg, '-cpu', plan.accel.cpu, '-smp', String(VM_CPUS), '-m', String(VM_MEMORY_MIB),
    '-nic', 'none',
    '-kernel', plan.image.kernel, '-initrd', plan.image.initrd, '-append', kernelCmdline(plan.cgroup, plan.kernelArgs),
    '-drive', `file=${plan.overlay},format=qcow2,if=virtio,cache=unsafe`,
    ...share(plan.repo, REPO_TAG, true),
    ...share(plan.jobDir, JOB_TAG, false),
    '-serial', `file:${plan.consoleLog}`,
  ];
}
