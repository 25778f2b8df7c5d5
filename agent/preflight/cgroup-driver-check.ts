/**
 * Which cgroup hierarchy the kernel runs (v1, or v2 as Raspberry Pi OS bookworm does) and which
 * driver Docker uses for it. With systemd as init on v2, Docker's cgroupfs driver puts
 * containers in a tree systemd does not know about, where its MemoryMax accounting and slices
 * do not reach them; the kubelet's guidance is the systemd driver there. The agent drives
 * either (agent/cgroups), so this is a warning with the daemon.json line.
 */
import type { CheckResult } from '../../host/check-result';
import type { HostFiles } from '../../host/host-files';

export type CgroupLayout = 'v1' | 'v2' | 'hybrid';

export function cgroupLayout(files: HostFiles): CgroupLayout {
  if (files.exists('/sys/fs/cgroup/cgroup.controllers')) return 'v2';
  return files.exists('/sys/fs/cgroup/unified/cgroup.controllers') ? 'hybrid' : 'v1';
}

const DAEMON_JSON = 'add "exec-opts": ["native.cgroupdriver=systemd"] to /etc/docker/daemon.json, then sudo systemctl restart docker';

/** `dockerDriver` undefined: Docker did not answer. */
export function checkCgroupDriver(files: HostFiles, dockerDriver: string | undefined): CheckResult {
  const layout = cgroupLayout(files);
  const init = (files.read('/proc/1/comm') ?? '').trim() || 'unknown';
  const name = 'cgroup-driver';
  if (dockerDriver === undefined) return { name, status: 'warn', message: `cgroup ${layout}; Docker did not answer, so its cgroup driver is unknown`, fix: 'sudo systemctl start docker' };
  const seen = `cgroup ${layout}, init ${init}, Docker's ${dockerDriver} cgroup driver`;
  if (dockerDriver !== 'systemd' && dockerDriver !== 'cgroupfs') return { name, status: 'warn', message: `${seen}: a driver pikube cannot create pod cgroups with (container limits still apply)`, fix: DAEMON_JSON };
  if (layout === 'v2' && init === 'systemd' && dockerDriver === 'cgroupfs') return { name, status: 'warn', message: `${seen}: containers live outside systemd's tree on cgroup v2`, fix: DAEMON_JSON };
  return { name, status: 'pass', message: seen };
}
