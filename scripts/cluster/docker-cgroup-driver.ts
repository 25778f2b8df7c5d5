/**
 * Docker's cgroup driver for the dockerds of simulated nodes and agent test fixtures:
 * `PIKUBE_CGROUP_DRIVER=systemd` runs them under the systemd driver (slices over D-Bus; needs
 * systemd as PID 1, as in the VM tier, `npm run test:vm`), anything else or nothing under
 * cgroupfs, so a run behaves the same on every host.
 */
export type DockerCgroupDriver = 'cgroupfs' | 'systemd';

export function dockerCgroupDriverFromEnv(env: NodeJS.ProcessEnv = process.env): DockerCgroupDriver {
  const value = env.PIKUBE_CGROUP_DRIVER;
  if (value === undefined || value === '' || value === 'cgroupfs') return 'cgroupfs';
  if (value === 'systemd') return 'systemd';
  throw new Error(`PIKUBE_CGROUP_DRIVER="${value}": expected "cgroupfs" or "systemd"`);
}
