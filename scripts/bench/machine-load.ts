import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The machine's 1-minute load average, two decimals: benchmarks record it, others share the cores. */
export function loadAverage1m(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

/** `uptime`'s line (load averages over 1, 5 and 15 minutes), as benchmarks record it before and after a run. */
export function uptime(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}
