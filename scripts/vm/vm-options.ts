/**
 * The VM runner's command line:
 *   run.js [--cgroup v2|v1] [--docker-cgroup-driver systemd|cgroupfs] [--timeout SECONDS]
 *          [--accel auto|kvm|tcg] [--kernel-args ARGS] [--out-dir DIR] -- <shell command>
 * Everything after `--` is joined with spaces into one shell command, run by bash in the VM.
 */
import path from 'node:path';

export type CgroupVersion = 'v2' | 'v1';
export type GuestDockerDriver = 'systemd' | 'cgroupfs';
export type AccelChoice = 'auto' | 'kvm' | 'tcg';

export interface VmOptions {
  cgroup: CgroupVersion;
  /** Undefined: whatever Docker picks in the VM (systemd on v2, cgroupfs on v1). */
  dockerCgroupDriver?: GuestDockerDriver;
  timeoutSeconds: number;
  accel: AccelChoice;
  /** Added to the kernel command line, e.g. `cgroup_disable=memory` as Raspberry Pi OS boots. */
  kernelArgs: string;
  /** Host directory that receives what the command left in $PIKUBE_VM_OUT (e.g. a test summary). */
  outDir?: string;
  command: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 1800;
export const USAGE = 'usage: run.js [--cgroup v2|v1] [--docker-cgroup-driver systemd|cgroupfs] [--timeout SECONDS] [--accel auto|kvm|tcg] [--kernel-args ARGS] [--out-dir DIR] -- <shell command>';

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${flag} expects one of ${allowed.join(', ')}, got ${value ?? 'nothing'}`);
}

function positiveSeconds(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n <= 0) throw new Error(`--timeout expects a positive number of seconds, got ${value ?? 'nothing'}`);
  return n;
}

function nonEmpty(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new Error(`${flag} expects a value`);
  return value;
}

/** Kernel arguments: printable, on one line (qemu passes them on as they are). */
function kernelArgs(value: string | undefined): string {
  if (value === undefined || !/^[\x20-\x7e]*$/.test(value)) throw new Error(`--kernel-args expects printable arguments on one line, got ${JSON.stringify(value)}`);
  return value.trim();
}

/** Applies one `--flag value` pair to the options. */
function applyFlag(opts: VmOptions, flag: string, value: string | undefined): void {
  if (flag === '--cgroup') opts.cgroup = oneOf(flag, value, ['v2', 'v1'] as const);
  else if (flag === '--docker-cgroup-driver') opts.dockerCgroupDriver = oneOf(flag, value, ['systemd', 'cgroupfs'] as const);
  else if (flag === '--timeout') opts.timeoutSeconds = positiveSeconds(value);
  else if (flag === '--kernel-args') opts.kernelArgs = kernelArgs(value);
  else if (flag === '--out-dir') opts.outDir = path.resolve(nonEmpty(flag, value));
  else if (flag === '--accel') opts.accel = oneOf(flag, value, ['auto', 'kvm', 'tcg'] as const);
  else throw new Error(`unknown option ${flag}`);
}

/** Parses argv (without node and the script); throws with a message fit for the user. */
export function parseVmArgs(argv: string[]): VmOptions {
  const opts: VmOptions = { cgroup: 'v2', timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, accel: 'auto', kernelArgs: '', command: '' };
  const dashes = argv.indexOf('--');
  if (dashes < 0) throw new Error('missing `--` before the command');
  const flags = argv.slice(0, dashes);
  for (let i = 0; i < flags.length; i += 2) applyFlag(opts, flags[i], flags[i + 1]);
  opts.command = argv.slice(dashes + 1).join(' ').trim();
  if (opts.command === '') throw new Error('no command after `--`');
  return opts;
}
