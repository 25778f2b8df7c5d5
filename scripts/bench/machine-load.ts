import os from 'node:os';

/** The machine's 1-minute load average, two decimals: benchmarks record it, others share the cores. */
export function loadAverage1m(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}
