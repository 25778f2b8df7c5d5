/**
 * The VM tier: agent integration tests that need a host this machine is not, run inside a
 * Debian bookworm VM (scripts/vm, booted under qemu, no network device) where systemd is PID 1:
 *
 *   cgroup v2, Docker's systemd driver   Raspberry Pi OS as installed: pod slices, their limits,
 *   (daemon.json setting cgroupfs)       containers in them, OOM kills; a machine's Docker
 *                                        configuration never reaches the tests' own dockerds;
 *                                        nfs volumes (the VM's kernel NFS client and server);
 *                                        scripts/install.sh end to end (server and agent on the
 *                                        machine's own systemd and Docker, again, uninstall)
 *   cgroup v2, cgroup_disable=memory     a Pi without the cmdline.txt fix: the preflight says so
 *   cgroup v1, Docker's systemd driver   the v1 unit properties (CPUShares, MemoryLimit)
 *
 * Each run boots the VM once and runs mocha there with the summary reporter; its counts come
 * back on the job's output, after a marker line. A run that ends without them counts as one
 * failure. Only tests whose titles match a run's grep are run: the VM emulates its CPU (qemu
 * TCG; KVM does not boot here, nested), so tests bound by wall-clock time stay on the host.
 */
import path from 'node:path';
import type { SuiteCounts } from '../../test/support/suite-counts';
import { runInGroup } from './suite-process';

export interface VmRun {
  name: string;
  cgroup: 'v1' | 'v2';
  kernelArgs?: string;
  /** Docker's cgroup driver for the test fixtures' own dockerds. */
  fixtureDriver: 'systemd' | 'cgroupfs';
  /** The machine's own /etc/docker/daemon.json driver (absent: none written, Docker's default). */
  machineDriver?: 'systemd' | 'cgroupfs';
  /** Compiled test files, relative to dist/test. */
  files: string[];
  grep: string;
  /** The run's bound, boot included (default RUN_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
}

const CGROUP_TESTS = 'integration/agent/cgroups/pod-cgroups.test.js';

export const VM_RUNS: VmRun[] = [
  // Raspberry Pi OS as installed, on a Pi whose daemon.json sets Docker's driver: the tests' own
  // dockerds must not read it. The nfs volumes need the VM's kernel NFS client and server.
  // install.sh installs into the machine itself (its systemd, its Docker with that daemon.json):
  // last, so nothing it leaves behind could touch the other tests; the slowest part of the tier
  // (two Node processes and a join under TCG, ≈ 6 min), hence the longer bound.
  {
    name: 'cgroup v2, systemd driver, daemon.json sets cgroupfs', cgroup: 'v2', machineDriver: 'cgroupfs', fixtureDriver: 'systemd',
    files: [CGROUP_TESTS, 'integration/agent/pod-manager.test.js', 'integration/agent/volumes/nfs-volume.test.js', 'integration/scripts/install/install-sh.test.js'],
    grep: 'real cgroup tree|pod cgroup|OOMKilled|nfs volumes on real dockerds|install.sh on a machine with systemd',
    timeoutSeconds: 1200,
  },
  // Nothing can be limited there: only what the preflight says is tested.
  { name: 'cgroup v2, memory controller off', cgroup: 'v2', kernelArgs: 'cgroup_disable=memory', fixtureDriver: 'systemd', files: [CGROUP_TESTS], grep: 'memory controller as the kernel has it' },
  { name: 'cgroup v1, systemd driver', cgroup: 'v1', fixtureDriver: 'systemd', files: [CGROUP_TESTS], grep: 'real cgroup tree' },
];

const MARKER = 'PIKUBE-VM-SUMMARY ';
const RUN_TIMEOUT_SECONDS = 600;

/** The shell command the VM runs: mocha with the summary reporter, the counts echoed after the marker. */
export function guestCommand(run: VmRun, dist: string): string {
  const files = run.files.map((f) => path.join(dist, 'test', f));
  const mocha = path.join(path.dirname(dist), 'node_modules', 'mocha', 'bin', 'mocha.js');
  const reporter = path.join(dist, 'test', 'support', 'summary-reporter.js');
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    `export PIKUBE_CGROUP_DRIVER=${run.fixtureDriver} PIKUBE_TEST_SUMMARY=/tmp/pikube-vm-summary.json`,
    `node ${quote(mocha)} --reporter ${quote(reporter)} --no-color --timeout 120000 --exit --grep ${quote(run.grep)} ${files.map(quote).join(' ')}`,
    'code=$?',
    `echo "${MARKER}$(cat /tmp/pikube-vm-summary.json 2>/dev/null)"`,
    'exit $code',
  ].join('\n');
}

/** The counts after the marker line, if the run got that far. */
export function countsFrom(output: string): SuiteCounts | undefined {
  const line = output.split('\n').reverse().find((l) => l.startsWith(MARKER));
  if (!line) return undefined;
  try {
    const c = JSON.parse(line.slice(MARKER.length)) as Partial<SuiteCounts>;
    return typeof c.passed === 'number' && typeof c.failed === 'number' && typeof c.skipped === 'number' ? { passed: c.passed, failed: c.failed, skipped: c.skipped } : undefined;
  } catch {
    return undefined;
  }
}

function vmArgs(run: VmRun, dist: string): string[] {
  const args = [path.join(dist, 'scripts', 'vm', 'run.js'), '--cgroup', run.cgroup, '--timeout', String(run.timeoutSeconds ?? RUN_TIMEOUT_SECONDS)];
  if (run.kernelArgs) args.push('--kernel-args', run.kernelArgs);
  if (run.machineDriver) args.push('--docker-cgroup-driver', run.machineDriver);
  return [...args, '--', guestCommand(run, dist)];
}

/**
 * Boots the VM for one run, relays its output, and returns its counts (one failure if none came
 * back). The run is a process group of its own (suite-process.ts): stopped at its deadline or
 * when run-suites is interrupted, its run.js gets SIGTERM and stops qemu itself.
 */
export async function runInVm(run: VmRun, dist: string): Promise<SuiteCounts> {
  const fail = (why: string): SuiteCounts => {
    console.log(`[vm: ${run.name}] ${why}`);
    return { passed: 0, failed: 1, skipped: 0 };
  };
  try {
    const ran = await runInGroup(process.execPath, vmArgs(run, dist), {
      deadlineMs: ((run.timeoutSeconds ?? RUN_TIMEOUT_SECONDS) + 120) * 1000, graceMs: 20_000, buffered: false, relay: (d) => process.stdout.write(d),
    });
    if (ran.outcome !== 'done') return fail(ran.outcome === 'deadline' ? 'stopped at its deadline' : 'interrupted');
    const counts = countsFrom(ran.output.toString());
    if (!counts) return fail(`ended (code ${ran.exitCode ?? 'none'}) without test counts`);
    return ran.exitCode !== 0 && counts.failed === 0 ? { ...counts, failed: 1 } : counts;
  } catch (err) {
    return fail(`could not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}
