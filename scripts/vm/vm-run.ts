/**
 * Boots the VM for one job and relays it: a run directory of our own in the host's temp dir
 * holds the qcow2 overlay over the cached disk, the job share, the serial console log and
 * qemu's log. The job's stdout and stderr are relayed while it runs; the guest powers itself
 * off when the job ends; at the timeout (or when aborted) qemu is killed by its pid. The run
 * directory goes at the end, whatever happened, and a dead run's is removed by the next one.
 */
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopRef, type ProcessRef } from '../cluster/process-ref';
import { runCommand } from '../cluster/run-command';
import { FileFollower } from './file-follower';
import { spawnGroup, type GroupProcess } from './group-process';
import { JOB_FILES, jobExitCode, jobStartedAt, writeJob } from './job-dir';
import { createOwnedTempDir, recordGroup, removeOwnedDir, removeStaleDirs } from './owned-dir';
import { qemuArgs } from './qemu-args';
import type { Accel } from './vm-accel';
import type { VmImage } from './vm-image';
import type { VmOptions } from './vm-options';

export const RUN_PREFIX = 'pikube-vm-run-';
const POLL_MS = 200;

export interface VmJob {
  options: VmOptions;
  image: VmImage;
  accel: Accel;
  /** The repository to share read-only, mounted at the same path in the VM. */
  repo: string;
  stdout: { write(chunk: Buffer): unknown };
  stderr: { write(chunk: Buffer): unknown };
  log(line: string): void;
  signal: AbortSignal;
}

export type VmOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  /** The VM stopped without the job's exit code (boot or setup failed): the console tells why. */
  | { kind: 'no-result'; qemuExit: number | string; console: string };

export interface VmJobResult {
  outcome: VmOutcome;
  /** Host seconds from starting qemu to the job starting, and the guest's uptime then. */
  bootToJobSeconds?: number;
  guestUptimeAtJob?: number;
  jobSeconds?: number;
  /** Host seconds from the job's end to qemu's exit. */
  poweroffSeconds?: number;
}

/** Moments seen while polling, in host milliseconds. */
interface Watch {
  qemuStarted: number;
  jobStarted?: number;
  jobEnded?: number;
  qemuExited?: number;
  exit?: number | string;
}

export async function runVmJob(job: VmJob): Promise<VmJobResult> {
  const removed = await removeStaleDirs(os.tmpdir(), RUN_PREFIX);
  if (removed.length > 0) job.log(`removed leftovers of dead runs: ${removed.join(', ')}`);
  const runDir = createOwnedTempDir(os.tmpdir(), RUN_PREFIX);
  try {
    return await runIn(runDir, job);
  } finally {
    await removeOwnedDir(runDir);
  }
}

async function runIn(runDir: string, job: VmJob): Promise<VmJobResult> {
  const jobDir = path.join(runDir, 'job');
  mkdirSync(jobDir);
  writeJob(jobDir, { command: job.options.command, repo: job.repo, dockerCgroupDriver: job.options.dockerCgroupDriver });
  const overlay = path.join(runDir, 'overlay.qcow2');
  await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', job.image.disk, overlay]);
  const consoleLog = path.join(runDir, 'console.log');
  const args = qemuArgs({ accel: job.accel, image: job.image, overlay, repo: job.repo, jobDir, consoleLog, cgroup: job.options.cgroup, kernelArgs: job.options.kernelArgs });
  job.signal.throwIfAborted();
  const qemu = spawnGroup('qemu-system-x86_64', args, path.join(runDir, 'qemu.log'));
  const watch: Watch = { qemuStarted: Date.now() };
  const ref = recordGroup(runDir, qemu.pid);
  const outcome = await follow(qemu, ref, jobDir, watch, job);
  if (job.options.outDir !== undefined) cpSync(path.join(jobDir, JOB_FILES.out), job.options.outDir, { recursive: true });
  return { outcome: outcome ?? resultOf(watch, jobDir, runDir), ...timings(watch, jobDir) };
}

/**
 * Relays output until qemu exits; returns an outcome only when it had to stop qemu itself
 * (timeout or abort), leaving the rest to resultOf.
 */
async function follow(qemu: GroupProcess, ref: ProcessRef, jobDir: string, watch: Watch, job: VmJob): Promise<VmOutcome | undefined> {
  const followers = [new FileFollower(path.join(jobDir, JOB_FILES.stdout), job.stdout), new FileFollower(path.join(jobDir, JOB_FILES.stderr), job.stderr)];
  void qemu.exited.then((exit) => Object.assign(watch, { exit, qemuExited: Date.now() }));
  const deadline = watch.qemuStarted + job.options.timeoutSeconds * 1000;
  let stopped: VmOutcome | undefined;
  while (watch.exit === undefined && stopped === undefined) {
    for (const f of followers) f.poll();
    note(watch, jobDir, job);
    if (job.signal.aborted) stopped = { kind: 'aborted' };
    else if (Date.now() > deadline) stopped = { kind: 'timeout' };
    else await Promise.race([qemu.exited, new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  if (stopped !== undefined) await stopRef(ref, 2_000);
  for (const f of followers) {
    f.poll();
    f.close();
  }
  return stopped;
}

/** Records the job's start and end as soon as the guest reports them. */
function note(watch: Watch, jobDir: string, job: VmJob): void {
  if (watch.jobStarted === undefined && jobStartedAt(jobDir) !== undefined) {
    watch.jobStarted = Date.now();
    job.log(`job started ${seconds(watch.jobStarted - watch.qemuStarted)} s after qemu (${job.accel.kind})`);
  }
  if (watch.jobEnded === undefined && jobExitCode(jobDir) !== undefined) watch.jobEnded = Date.now();
}

function resultOf(watch: Watch, jobDir: string, runDir: string): VmOutcome {
  const code = jobExitCode(jobDir);
  if (code !== undefined) return { kind: 'exited', code };
  return { kind: 'no-result', qemuExit: watch.exit ?? 'unknown', console: consoleTail(runDir) };
}

function timings(watch: Watch, jobDir: string): Omit<VmJobResult, 'outcome'> {
  const span = (a?: number, b?: number): number | undefined => (a !== undefined && b !== undefined ? seconds(b - a) : undefined);
  return {
    bootToJobSeconds: span(watch.qemuStarted, watch.jobStarted),
    guestUptimeAtJob: jobStartedAt(jobDir),
    jobSeconds: span(watch.jobStarted, watch.jobEnded),
    poweroffSeconds: span(watch.jobEnded, watch.qemuExited),
  };
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** The console's last lines and qemu's own messages, without terminal escapes. */
function consoleTail(runDir: string): string {
  const read = (name: string): string => {
    try {
      return readFileSync(path.join(runDir, name), 'utf8');
    } catch {
      return '';
    }
  };
  // eslint-disable-next-line no-control-regex
  const plain = read('console.log').replace(/\x1b\[[0-9;?]*[A-Za-z]|\r/g, '');
  return [...plain.trimEnd().split('\n').slice(-40), ...read('qemu.log').trimEnd().split('\n')].join('\n');
}
