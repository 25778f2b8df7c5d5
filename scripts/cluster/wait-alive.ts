/**
 * Waits on a condition that some processes must bring about: fails at once, with their logs,
 * when one of them exits, instead of polling to the deadline.
 */
import { refAlive, type ProcessRef } from './process-ref';
import { logTail } from './log-tail';

export interface Watched {
  name: string;
  ref: ProcessRef | undefined;
  logFile: string;
}

export interface WaitAliveOptions {
  timeoutMs: number;
  intervalMs?: number;
  describe: () => string | Promise<string>;
}

async function safely(probe: () => Promise<boolean>): Promise<boolean> {
  try {
    return await probe();
  } catch {
    return false;
  }
}

export async function untilWhileAlive(watched: Watched[], probe: () => Promise<boolean>, opts: WaitAliveOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await safely(probe))) {
    const dead = watched.find((w) => w.ref === undefined || !refAlive(w.ref));
    if (dead) throw new Error(`${dead.name} exited while waiting: ${await opts.describe()}\n${logTail(dead.logFile)}`);
    if (Date.now() > deadline) {
      const logs = watched.map((w) => logTail(w.logFile, 10)).join('\n');
      throw new Error(`timed out after ${opts.timeoutMs} ms: ${await opts.describe()}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}
