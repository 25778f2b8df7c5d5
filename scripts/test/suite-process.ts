/**
 * One mocha run of a suite, in a process group of its own, so that stopping it stops what its
 * tests started too (control planes, agents, registries: everything not detached into a group
 * of its own; detached cluster daemons are the leftover sweep's). At its deadline, and when
 * run-suites itself is interrupted (`stopAllGroups`), the whole group gets SIGTERM, then
 * SIGKILL after a grace period; processes of the group left when mocha ends are stopped the same
 * way.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalGroup } from '../vm/group-process';

/** Between SIGTERM and SIGKILL: enough for a control plane to close its listeners. */
const DEFAULT_GRACE_MS = 5000;
/** After SIGKILL, how long the group may take to be gone (its dead reaped). */
const KILLED_WAIT_MS = 5000;

export interface GroupRunOptions {
  deadlineMs: number;
  graceMs?: number;
  /** Output collected and handed back (runs side by side); otherwise it goes straight to ours. */
  buffered: boolean;
  /** Given, the output is also collected (`buffered` or not) and each chunk handed to it as it comes. */
  relay?: (chunk: Buffer) => void;
  env?: NodeJS.ProcessEnv;
}

export interface GroupRun {
  /** `deadline`: stopped at its deadline; `interrupted`: stopped by `stopAllGroups`. */
  outcome: 'done' | 'deadline' | 'interrupted';
  /** The collected output when buffered or relayed, else empty. */
  output: Buffer;
  /** Mocha's (or the command's) exit code; null when a signal ended it. */
  exitCode: number | null;
}

/** The stop of every group running now, by leader pid. */
const running = new Map<number, () => void>();

export function runInGroup(command: string, args: string[], opts: GroupRunOptions): Promise<GroupRun> {
  const grace = opts.graceMs ?? DEFAULT_GRACE_MS;
  return new Promise((resolve, reject) => {
    const piped = opts.buffered || opts.relay !== undefined ? 'pipe' : 'inherit';
    const child = spawn(command, args, { detached: true, stdio: ['ignore', piped, piped], env: opts.env });
    const pid = child.pid;
    if (pid === undefined) {
      child.once('error', reject);
      return;
    }
    const output: Buffer[] = [];
    const collect = (chunk: Buffer): void => {
      output.push(chunk);
      opts.relay?.(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let stoppedBy: 'deadline' | 'interrupted' | undefined;
    let stopping: Promise<void> | undefined;
    const stop = (why: 'deadline' | 'interrupted'): void => {
      stoppedBy ??= why;
      stopping ??= stopGroup(pid, grace);
    };
    const timer = setTimeout(() => stop('deadline'), opts.deadlineMs);
    running.set(pid, () => stop('interrupted'));
    child.on('error', reject);
    // Its pipes close ('close') once the group is gone: a process of it left holding them is stopped at mocha's exit.
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      running.delete(pid);
      void (stopping ?? stopGroup(pid, grace)).then(() => closed).then(() => resolve({ outcome: stoppedBy ?? 'done', output: Buffer.concat(output), exitCode: code }));
    });
  });
}

/** Stops every group running now (run-suites got SIGINT or SIGTERM); returns how many. */
export function stopAllGroups(): number {
  const stops = [...running.values()];
  for (const stop of stops) stop();
  return stops.length;
}

/** SIGTERM to the group, SIGKILL to what is left of it after `graceMs`; resolves once it is empty. */
async function stopGroup(pid: number, graceMs: number): Promise<void> {
  if (!groupAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  for (const until = Date.now() + graceMs; Date.now() < until && groupAlive(pid);) await sleep(100);
  signalGroup(pid, 'SIGKILL');
  // Bounded: a process stuck in the kernel (uninterruptible sleep) dies only when that ends.
  for (const until = Date.now() + KILLED_WAIT_MS; Date.now() < until && groupAlive(pid);) await sleep(50);
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
