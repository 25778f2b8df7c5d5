/**
 * A client of a Service polling one URL every 100 ms from inside a simulated node's namespace
 * (the e2e suites' http-poller, run as its own process through nsenter, so its traffic goes
 * where a real client's would). Collects every result; `stop` ends it and resolves once it has
 * exited. The error window after a failure is measured from these results.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { PollResult } from '../../test/support/http-poller';
import { netnsPath } from '../cluster/netns';
import { until } from '../cluster/wait-until';

export const POLL_INTERVAL_MS = 100;
export const POLL_TIMEOUT_MS = 1000;
const POLLER_JS = path.join(__dirname, '..', '..', 'test', 'support', 'http-poller.js');

export class ServicePoller {
  readonly results: PollResult[] = [];
  private readonly child: ChildProcessByStdio<null, Readable, null>;

  constructor(netns: string, url: string) {
    this.child = spawn('nsenter', [`--net=${netnsPath(netns)}`, process.execPath, POLLER_JS, url, String(POLL_INTERVAL_MS), String(POLL_TIMEOUT_MS)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.results.push(JSON.parse(line) as PollResult));
  }

  /** Resolves once the last `n` requests all succeeded. */
  async steady(n: number, timeoutMs: number): Promise<void> {
    await until(() => this.results.length >= n && this.results.slice(-n).every((r) => r.ok),
      { timeoutMs, intervalMs: 100, describe: () => `poller: ${JSON.stringify(this.results.slice(-5))}` });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/** What clients saw from `t0` (Date.now()) on: until when requests failed (0: never), and how many did. */
export interface ErrorWindow {
  /** From t0 to the end of the last failed request, ms (a request to a lost endpoint ends at the client's timeout). */
  errorsMs: number;
  /** From t0 to the start of the last failed request, ms: every request sent later succeeded (0: none failed). */
  lastFailedSentMs: number;
  failed: number;
  total: number;
  /** Requests that started after the last failure: all succeeded. */
  okAfterLastFailure: number;
}

export function errorWindow(results: readonly PollResult[], t0: number): ErrorWindow {
  const after = results.filter((r) => r.start >= t0);
  const failures = after.filter((r) => !r.ok);
  const last = failures.reduce((latest, r) => Math.max(latest, r.end), t0);
  const lastSent = failures.reduce((latest, r) => Math.max(latest, r.start), t0);
  return { errorsMs: last - t0, lastFailedSentMs: lastSent - t0, failed: failures.length, total: after.length, okAfterLastFailure: after.filter((r) => r.start > last).length };
}
