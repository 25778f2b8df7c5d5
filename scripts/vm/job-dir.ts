/**
 * The job directory: a host directory shared read-write with the VM over virtio-9p, the only
 * channel between the host and the guest's job (the VM has no network). The host writes the
 * request before boot; the guest's job unit (guest-files.ts) writes the rest while it runs.
 *
 *   written by the host:  command (a bash script), repo (where to mount the repository),
 *                         docker-cgroup-driver ("", "systemd" or "cgroupfs")
 *   made by the host, filled by the guest: out/ (the command's $PIKUBE_VM_OUT, copied back on request)
 *   written by the guest: started (guest uptime in seconds when the job began), stdout, stderr,
 *                         exit-code (written under a temporary name, then renamed: present = complete)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GuestDockerDriver } from './vm-options';

/** 9p mount tags of the two shares, and where the guest mounts the job share. */
export const JOB_TAG = 'pikubejob';
export const REPO_TAG = 'pikuberepo';
export const GUEST_JOB_DIR = '/run/pikube-job';

export const JOB_FILES = {
  command: 'command',
  repo: 'repo',
  dockerDriver: 'docker-cgroup-driver',
  started: 'started',
  stdout: 'stdout',
  stderr: 'stderr',
  exitCode: 'exit-code',
  out: 'out',
} as const;

export interface JobRequest {
  command: string;
  repo: string;
  dockerCgroupDriver?: GuestDockerDriver;
}

/** Writes the request. The repo path reaches a guest shell only quoted, but is checked anyway. */
export function writeJob(dir: string, job: JobRequest): void {
  if (!path.isAbsolute(job.repo) || /[\n\0]/.test(job.repo)) throw new Error(`repository path ${JSON.stringify(job.repo)} must be absolute, on one line`);
  writeFileSync(path.join(dir, JOB_FILES.command), job.command + '\n');
  writeFileSync(path.join(dir, JOB_FILES.repo), job.repo);
  writeFileSync(path.join(dir, JOB_FILES.dockerDriver), job.dockerCgroupDriver ?? '');
  mkdirSync(path.join(dir, JOB_FILES.out));
}

/** Guest uptime (seconds) when the job began, once the guest has written it. */
export function jobStartedAt(dir: string): number | undefined {
  const file = path.join(dir, JOB_FILES.started);
  if (!existsSync(file)) return undefined;
  const uptime = Number(readFileSync(file, 'utf8').trim());
  return Number.isFinite(uptime) && uptime > 0 ? uptime : undefined;
}

/** The command's exit code, once the guest has finished it. */
export function jobExitCode(dir: string): number | undefined {
  const file = path.join(dir, JOB_FILES.exitCode);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
