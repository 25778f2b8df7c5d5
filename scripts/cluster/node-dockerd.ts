/**
 * The dockerd of one simulated Pi: started inside the node's network namespace with its own
 * data root, exec root, socket and bridge subnet, so its iptables rules and containers stay
 * in that namespace. Unix socket paths are short (the kernel limit is 108 bytes): sockets
 * live under `runDir`, images and containers under `dataDir`.
 */
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { sliceNameOf } from '../../agent/cgroups/systemd-slice';
import type { DockerCgroupDriver } from './docker-cgroup-driver';
import { netnsPath } from './netns';
import { spawnDaemon, stopProcess, isAlive } from './run-command';
import { until } from './wait-until';

export interface NodeDockerdOptions {
  netns: string;
  dataDir: string;
  runDir: string;
  /** Default bridge address with prefix, e.g. 172.29.1.1/24: never in the cluster CIDR (pods join the agent's `pikube` network). */
  bip: string;
  /** Cgroup parent for containers created without one, e.g. /pikube-pi1 (as a slice under the systemd driver). */
  cgroupParent: string;
  /**
   * Docker's cgroup driver, set explicitly so a node behaves the same on every host: cgroupfs
   * by default (the simulation's clean-up removes cgroup directories); systemd (slices over
   * D-Bus, Docker's default on cgroup v2 hosts) needs systemd as PID 1.
   */
  cgroupDriver?: DockerCgroupDriver;
  logFile: string;
}

export interface NodeDockerd {
  socketPath: string;
  pid: number;
}

export function dockerSocketPath(runDir: string): string {
  return path.join(runDir, 'docker.sock');
}

/** Starts dockerd detached in the namespace and resolves once its API answers. */
export async function startNodeDockerd(opts: NodeDockerdOptions): Promise<NodeDockerd> {
  mkdirSync(opts.dataDir, { recursive: true });
  mkdirSync(opts.runDir, { recursive: true });
  const socketPath = dockerSocketPath(opts.runDir);
  const driver = opts.cgroupDriver ?? 'cgroupfs';
  // A configuration of the node's own: the machine's /etc/docker/daemon.json (a Pi's
  // `exec-opts`, say) must not reach it, and dockerd refuses a directive given twice.
  const config = path.join(opts.runDir, 'daemon.json');
  writeFileSync(config, '{}\n');
  const args = [
    `--net=${netnsPath(opts.netns)}`, 'dockerd',
    '--config-file', config, '--data-root', opts.dataDir, '--exec-root', path.join(opts.runDir, 'exec'),
    '-H', `unix://${socketPath}`, '--pidfile', path.join(opts.runDir, 'docker.pid'),
    '--bip', opts.bip, '--exec-opt', `native.cgroupdriver=${driver}`,
    '--cgroup-parent', driver === 'systemd' ? sliceNameOf(opts.cgroupParent) : opts.cgroupParent,
    '--userland-proxy=false', '--log-level', 'warn',
    // Should a system containerd run, nodes sharing it must not see each other's containers.
    '--containerd-namespace', `pikube-${opts.netns}`, '--containerd-plugins-namespace', `pikube-${opts.netns}-plugins`,
  ];
  const pid = spawnDaemon('nsenter', args, opts.logFile);
  const docker = new Docker({ socketPath });
  try {
    await until(async () => isAlive(pid) && (await docker.ping()) !== undefined, {
      timeoutMs: 60_000,
      describe: () => `dockerd (pid ${pid}) in ${opts.netns} not answering on ${socketPath}; alive=${isAlive(pid)}`,
    });
  } catch (err) {
    await stopNodeDockerd(pid);
    throw err;
  }
  return { socketPath, pid };
}

/** The dockerd pid from its pidfile (nsenter execs dockerd, so it is the same process). */
export function dockerdPid(runDir: string): number | undefined {
  const file = path.join(runDir, 'docker.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Stops dockerd gracefully (it stops its containerd and containers' shims with it). */
export async function stopNodeDockerd(pid: number): Promise<void> {
  await stopProcess(pid, 20_000);
}
