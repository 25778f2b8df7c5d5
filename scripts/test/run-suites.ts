/**
 * Runs the test suites (unit, integration, e2e, arm (test/arm: ARM under qemu-user), and the VM tier: vm-suite.ts) with mocha, one process each (the
 * integration tier in shards run side by side: most of its time is spent waiting on leases,
 * schedules and processes, not computing), and ends with one line: `N passed, N failed, N skipped`. A suite that crashes or overruns its deadline
 * counts as one failure. Integration and e2e suites need root (namespaces, dockerd); before
 * them, and after the last suite, leftovers of dead simulated clusters are removed, so a run
 * killed half-way is cleaned by the next. With PIKUBE_TEST_TOTALS set, the totals are also
 * written there as JSON (for .ci/run). Each mocha runs in a process group of its own, stopped
 * whole at the suite's deadline or when this is interrupted (suite-process.ts).
 *
 *   node dist/scripts/test/run-suites.js unit integration e2e arm vm
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanLeftovers } from '../cluster/leftovers';
import type { SuiteCounts } from '../../test/support/suite-counts';
import { shardFiles } from './shard-files';
import { runInGroup, stopAllGroups, type GroupRun } from './suite-process';
import { runInVm, VM_RUNS } from './vm-suite';

const DIST = path.resolve(__dirname, '..', '..');
const REPO = path.dirname(DIST);
const MOCHA = path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js');
const REPORTER = path.join(DIST, 'test', 'support', 'summary-reporter.js');

interface Suite {
  /** Test files under dist/test/<dir>; the VM tier runs its own selection (vm-suite.ts). */
  dir: string;
  vm?: boolean;
  /** Default per-test timeout; tests that bring up clusters set their own. */
  timeoutMs: number;
  /** The whole suite is stopped after this long. */
  deadlineMs: number;
  needsRoot: boolean;
  /**
   * Mocha processes run at once, each on a share of the files; its output is printed when it
   * ends. Files under `agent/` (real dockerds in namespaces) stay together in the first shard.
   */
  shards?: number;
  /**
   * Run side by side with this other suite when both are asked for, its output printed when it
   * ends: the ARM suite is CPU under qemu-user, the VM tier mostly waits on a KVM guest.
   */
  alongside?: string;
}

const SUITES: Record<string, Suite> = {
  unit: { dir: 'unit', timeoutMs: 10_000, deadlineMs: 5 * 60_000, needsRoot: false },
  integration: { dir: 'integration', timeoutMs: 60_000, deadlineMs: 10 * 60_000, needsRoot: true, shards: 4 },
  e2e: { dir: 'e2e', timeoutMs: 120_000, deadlineMs: 15 * 60_000, needsRoot: true, shards: 3 },
  // The control plane and the agent under qemu-user on ARM Node builds (≈ 5 min: emulated, CPU-bound).
  arm: { dir: 'arm', timeoutMs: 600_000, deadlineMs: 12 * 60_000, needsRoot: true, alongside: 'vm' },
  // Each VM run is bounded by its own timeout (vm-suite.ts).
  vm: { dir: 'integration', timeoutMs: 300_000, deadlineMs: 45 * 60_000, needsRoot: true, vm: true },
};

/** Where one mocha process writes its counts and its files' durations. */
interface GroupFiles {
  summary: string;
  durations: string;
}

const NONE: SuiteCounts = { passed: 0, failed: 0, skipped: 0 };

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

/**
 * Seconds each test file took at the last recorded run, by its path under dist/test: kept in the
 * repository so that a clean clone balances its shards too. `PIKUBE_TEST_RECORD_DURATIONS=1`
 * on a run (on a quiet machine) writes the figures it measured back into it.
 */
const DURATIONS_FILE = path.join(REPO, 'scripts', 'test', 'durations.json');
const TEST_ROOT = path.join(DIST, 'test');

function recordedDurations(): Record<string, number> {
  return existsSync(DURATIONS_FILE) ? (JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')) as Record<string, number>) : {};
}

function recordDurations(measured: Record<string, number>): void {
  const all = { ...recordedDurations() };
  for (const [file, seconds] of Object.entries(measured)) all[path.relative(TEST_ROOT, file)] = Math.round(seconds * 10) / 10;
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(DURATIONS_FILE, `${JSON.stringify(sorted, null, 1)}\n`);
}

async function runMocha(files: string[], suite: Suite, outputs: GroupFiles, buffered: boolean): Promise<GroupRun['outcome']> {
  const color = process.stdout.isTTY && !buffered ? [] : ['--no-color'];
  const args = [MOCHA, '--reporter', REPORTER, '--timeout', String(suite.timeoutMs), '--exit', ...color, ...files];
  const env = { ...process.env, PIKUBE_TEST_SUMMARY: outputs.summary, PIKUBE_TEST_DURATIONS: outputs.durations };
  const run = await runInGroup(process.execPath, args, { deadlineMs: suite.deadlineMs, buffered, env });
  if (buffered) process.stdout.write(run.output);
  return run.outcome;
}

async function runSuite(name: string, suite: Suite, beside = false): Promise<SuiteCounts> {
  const files = testFiles(path.join(DIST, 'test', suite.dir));
  if (files.length === 0) return report(name, NONE, 'no test files');
  if (suite.needsRoot && process.getuid?.() !== 0) {
    // Outside CI a developer may run without root; in CI that would silently test nothing.
    return report(name, process.env.CI ? { ...NONE, failed: 1 } : NONE, 'needs root: not run');
  }
  if (suite.vm) return runVmSuite(name);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pikube-suite-'));
  try {
    const recorded = recordedDurations();
    const groups = shardFiles(files, suite.shards ?? 1, (f) => recorded[path.relative(TEST_ROOT, f)]);
    const outcomes = await Promise.all(groups.map(async (group, i) => {
      const outputs = { summary: path.join(tmp, `summary-${i}.json`), durations: path.join(tmp, `durations-${i}.json`) };
      const outcome = await runMocha(group, suite, outputs, beside || groups.length > 1);
      return { outcome, summaryFile: outputs.summary, durationsFile: outputs.durations };
    }));
    if (process.env.PIKUBE_TEST_RECORD_DURATIONS) {
      recordDurations(Object.assign({}, ...outcomes.map((o) => (existsSync(o.durationsFile) ? JSON.parse(readFileSync(o.durationsFile, 'utf8')) as Record<string, number> : {}))));
    }
    const counts = { ...NONE };
    const notes: string[] = [];
    for (const { outcome, summaryFile } of outcomes) {
      const c = readCounts(summaryFile);
      counts.passed += c.passed;
      counts.failed += c.failed;
      counts.skipped += c.skipped;
      if (outcome === 'deadline') {
        counts.failed += 1;
        notes.push(`stopped after ${suite.deadlineMs / 60_000} min`);
      } else if (outcome === 'interrupted') {
        counts.failed += 1;
        notes.push('interrupted');
      } else if (!existsSync(summaryFile)) {
        counts.failed += 1;
        notes.push('mocha ended without a summary');
      }
    }
    return report(name, counts, notes.length > 0 ? [...new Set(notes)].join('; ') : undefined);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every VM run in turn (x86-64 hosts only: the VM image is amd64, booted under qemu). */
async function runVmSuite(name: string): Promise<SuiteCounts> {
  if (process.arch !== 'x64') return report(name, NONE, `the VM tier needs an x86-64 host, this is ${process.arch}: not run`);
  const total = { ...NONE };
  for (const run of VM_RUNS) {
    if (interrupted) break;
    console.log(`[${name}] ${run.name}`);
    const c = report(`${name}: ${run.name}`, await runInVm(run, DIST));
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  return report(name, total);
}

function readCounts(file: string): SuiteCounts {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SuiteCounts) : NONE;
}

function format(c: SuiteCounts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

function report(name: string, counts: SuiteCounts, note?: string): SuiteCounts {
  console.log(`[${name}] ${format(counts)}${note ? ` (${note})` : ''}`);
  return counts;
}

async function sweep(when: string): Promise<number> {
  if (process.getuid?.() !== 0) return 0;
  const problems = await cleanLeftovers((l) => console.log(`[leftovers ${when}] ${l}`));
  problems.forEach((p) => console.error(`[leftovers ${when}] could not remove: ${p}`));
  return problems.length;
}

/** The signal that interrupted the run: no suite starts after it. */
let interrupted: NodeJS.Signals | undefined;

/**
 * Ctrl-C reaches only our own process group; the suites' mocha runs are in groups of their own,
 * so SIGINT and SIGTERM are passed on to them (stopped as at a deadline), and the sweep after
 * cleans what their clusters left. A second signal exits at once.
 */
function forwardInterrupts(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(128 + os.constants.signals[signal]);
      interrupted = signal;
      console.error(`[run-suites] ${signal}: stopping ${stopAllGroups()} mocha process group(s), then sweeping leftovers (again to exit at once)`);
    });
  }
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in SUITES));
  if (names.length === 0 || unknown.length > 0) throw new Error(`usage: run-suites ${Object.keys(SUITES).join('|')}...`);
  forwardInterrupts();
  const total = { ...NONE };
  if (names.some((n) => SUITES[n].needsRoot)) total.failed += await sweep('before');
  for (const name of names) {
    if (interrupted) break;
    const partner = SUITES[name].alongside;
    if (partner !== undefined && names.includes(partner)) continue; // started with its partner
    const besides = names.filter((n) => SUITES[n].alongside === name);
    for (const c of await Promise.all([runSuite(name, SUITES[name]), ...besides.map((n) => runSuite(n, SUITES[n], true))])) {
      total.passed += c.passed;
      total.failed += c.failed;
      total.skipped += c.skipped;
    }
  }
  if (names.some((n) => SUITES[n].needsRoot)) total.failed += await sweep('after');
  const totalsFile = process.env.PIKUBE_TEST_TOTALS;
  if (totalsFile) writeFileSync(totalsFile, JSON.stringify(total));
  // The closing line is the caller's to print when it collects the totals (.ci/run adds its own checks).
  console.log(totalsFile ? `[all suites] ${format(total)}` : format(total));
  process.exitCode = interrupted ? 128 + os.constants.signals[interrupted] : total.failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
