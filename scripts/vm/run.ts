/**
 * Runs a shell command from this repository inside a throw-away Debian bookworm VM with systemd,
 * Docker and the chosen cgroup version, the way pikube's agent meets a Raspberry Pi:
 *
 *   node dist/scripts/vm/run.js [--cgroup v2|v1] [--docker-cgroup-driver systemd|cgroupfs]
 *                               [--timeout SECONDS] [--accel auto|kvm|tcg] [--kernel-args ARGS]
 *                               -- <shell command>
 *
 * The command runs as root in the repository (shared read-only at its own path) once
 * docker.service has started; its stdout and stderr are relayed, and this exits with its exit
 * code: 124 when the timeout struck, 125 when the VM gave no result, 128 + the signal's number
 * when SIGINT or SIGTERM stopped the run, 2 for a bad command line. Needs root (image build, qemu). See docs/vm-tests.md.
 */
import os from 'node:os';
import path from 'node:path';
import { chooseAccel } from './vm-accel';
import { hostToolsProblem } from './vm-host-tools';
import { ensureImage } from './vm-image';
import { parseVmArgs, USAGE, type VmOptions } from './vm-options';
import { runVmJob, type VmJobResult } from './vm-run';

/** The repository this script was built from: dist/scripts/vm/run.js is three levels below it. */
const REPO = path.resolve(__dirname, '..', '..', '..');

function log(line: string): void {
  process.stderr.write(`[vm] ${line}\n`);
}

function parse(): VmOptions | undefined {
  try {
    return parseVmArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return undefined;
  }
}

/** The signal that stopped the run, if one did. */
let stoppedBy: NodeJS.Signals | undefined;

/** SIGINT and SIGTERM abort the run: qemu and any build are stopped and everything removed. */
function abortOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      stoppedBy ??= sig;
      controller.abort(new Error(`${sig} received`));
    });
  }
  return controller.signal;
}

function signalExitCode(): number {
  return 128 + (stoppedBy === undefined ? 2 : os.constants.signals[stoppedBy]);
}

function exitCodeOf(result: VmJobResult): number {
  const o = result.outcome;
  if (o.kind === 'exited') return o.code;
  if (o.kind === 'timeout') return 124;
  if (o.kind === 'aborted') return signalExitCode();
  return 125;
}

function report(result: VmJobResult, options: VmOptions, totalSeconds: number): void {
  const o = result.outcome;
  if (o.kind === 'timeout') log(`timed out after ${options.timeoutSeconds} s: qemu killed`);
  if (o.kind === 'aborted') log(`${stoppedBy ?? 'interrupted'}: qemu killed`);
  if (o.kind === 'no-result') log(`the VM stopped (qemu exit ${o.qemuExit}) without the job's exit code; console and qemu log:\n${o.console}`);
  const parts = [
    `exit ${exitCodeOf(result)}`,
    `boot to job ${result.bootToJobSeconds ?? '-'} s (guest uptime ${result.guestUptimeAtJob ?? '-'} s)`,
    `job ${result.jobSeconds ?? '-'} s`,
    `poweroff ${result.poweroffSeconds ?? '-'} s`,
    `whole run ${totalSeconds.toFixed(1)} s`,
  ];
  log(parts.join(', '));
}

async function main(): Promise<number> {
  const options = parse();
  if (options === undefined) return 2;
  const problem = hostToolsProblem();
  if (problem !== undefined) {
    log(problem);
    return 125;
  }
  const started = Date.now();
  const signal = abortOnSignals();
  const accel = chooseAccel(options.accel);
  log(`accelerator ${accel.kind}: ${accel.reason}`);
  const { image, builtSeconds } = await ensureImage(log, signal);
  log(builtSeconds !== undefined ? `built the image ${image.key} in ${builtSeconds.toFixed(1)} s` : `cached image ${image.key}`);
  log(`cgroup ${options.cgroup}, docker cgroup driver ${options.dockerCgroupDriver ?? "Docker's default"}, repository ${REPO} (read-only)`);
  const result = await runVmJob({ options, image, accel, repo: REPO, stdout: process.stdout, stderr: process.stderr, log, signal });
  report(result, options, (Date.now() - started) / 1000);
  return exitCodeOf(result);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = stoppedBy !== undefined ? signalExitCode() : 125;
  },
);
