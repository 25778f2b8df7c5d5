/**
 * A real dockerd for agent integration tests, inside a network namespace of its own (the
 * lead's harness), with the busybox and pause test images loaded. `stop()` removes every
 * container, stops dockerd, deletes the namespace, the directories and the cgroups its
 * containers used, and is safe to call after a failed start.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { until } from '../../../scripts/cluster/wait-until';
import { cgroupDirName, removeCgroup } from '../../../scripts/cluster/cgroup-dirs';
import { createNetns, deleteNetns } from '../../../scripts/cluster/netns';
import { BusctlSystemdManager } from '../../../agent/cgroups/systemd-manager';
import { localCommandRunner } from '../../../agent/network/command-runner';
import { dockerCgroupDriverFromEnv, type DockerCgroupDriver } from '../../../scripts/cluster/docker-cgroup-driver';
import { startNodeDockerd, stopNodeDockerd } from '../../../scripts/cluster/node-dockerd';
import { unmountUnder } from '../../../scripts/cluster/mounts';
import { loadTestImages } from '../../../scripts/cluster/test-image';

export interface NodeDockerFixture {
  docker: Docker;
  /** The network namespace dockerd runs in. */
  netns: string;
  /** Cgroup parent for the pods, unique to this fixture: `/pkit-<random>` (the slice `pkit_<random>.slice` under systemd). */
  cgroupRoot: string;
  cgroupDriver: DockerCgroupDriver;
  /** The bridge subnet's prefix, e.g. `10.88.0.` */
  podSubnetPrefix: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Removes every container; one that vanishes meanwhile (a stopping manager's clean-up) is fine. */
/**
 * Removes every container; one whose removal is already under way (the agent's own teardown,
 * Docker's 409) is waited for until Docker no longer knows it.
 */
export async function removeAllContainers(docker: Docker): Promise<void> {
  for (const c of await docker.listContainers({ all: true })) {
    const container = docker.getContainer(c.Id);
    await container.remove({ force: true }).catch(async (err: { statusCode?: number; message?: string }) => {
      if (err.statusCode === 404) return;
      if (err.statusCode !== 409 || !/already in progress/.test(err.message ?? '')) throw err;
      await until(() => container.inspect().then(() => false, (e: { statusCode?: number }) => e.statusCode === 404), { timeoutMs: 30_000, intervalMs: 200, describe: () => `container ${c.Id} still being removed` });
    });
  }
}

/** Docker's systemd cgroup driver can be tested here: systemd is PID 1 and answers on D-Bus. */
export async function systemdDriverAvailable(): Promise<boolean> {
  if (readFileSync('/proc/1/comm', 'utf8').trim() !== 'systemd') return false;
  return new BusctlSystemdManager(localCommandRunner).version().then(() => true, () => false);
}

export async function startNodeDocker(opts: { cgroupDriver?: DockerCgroupDriver } = {}): Promise<NodeDockerFixture> {
  const cgroupDriver = opts.cgroupDriver ?? dockerCgroupDriverFromEnv();
  const id = randomBytes(4).toString('hex');
  const netns = `pkit-${process.pid}-${id}`; // swept as a leftover once this process is gone (cluster-names.ts)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pkit-agent-'));
  const runDir = `/run/pkit-${id}`;
  const cgroupRoot = `/pkit-${id}`;
  const logFile = path.join(dir, 'dockerd.log');
  let dockerdPid: number | undefined;
  let docker: Docker | undefined;
  const stop = async (): Promise<void> => {
    const errors: unknown[] = [];
    if (docker) await removeAllContainers(docker).catch((e: unknown) => errors.push(e));
    if (dockerdPid !== undefined) await stopNodeDockerd(dockerdPid).catch((e: unknown) => errors.push(e));
    await deleteNetns(netns).catch((e: unknown) => errors.push(e));
    await removeCgroup(cgroupDirName(cgroupRoot, cgroupDriver));
    // A host-network container leaves dockerd's bind mount of the namespace (`exec/netns/default`) behind.
    await unmountUnder(runDir);
    rmSync(runDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, 'node docker fixture teardown failed');
  };
  try {
    await createNetns(netns);
    const started = await startNodeDockerd({ netns, dataDir: path.join(dir, 'data'), runDir, bip: '10.88.0.1/24', cgroupParent: cgroupRoot, cgroupDriver, logFile });
    dockerdPid = started.pid;
    docker = new Docker({ socketPath: started.socketPath });
    await loadTestImages(docker);
    return { docker, netns, cgroupRoot, cgroupDriver, podSubnetPrefix: '10.88.0.', logFile, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
