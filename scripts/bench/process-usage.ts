/**
 * What named processes cost over one phase of a benchmark: CPU seconds (utime + stime of the
 * process itself, from /proc/<pid>/stat) and RSS (VmRSS of /proc/<pid>/status) at the start,
 * at its highest while the phase ran (sampled) and at the end.
 */
import { cpuBetween, readCpu } from './cpu-with-children';
import { loadAverage1m } from './machine-load';
import { rssMiB } from './stats';

export interface ProcessUsage {
  cpuSeconds?: number;
  rssMiB: { start?: number; max?: number; end?: number };
}

export type Usage = Record<string, ProcessUsage>;

export interface WithUsage<T> {
  value: T;
  usage: Usage;
  /** The machine's 1-minute load average as the phase began and ended (others share the cores). */
  loadAverage1m: { start: number; end: number };
}

const RSS_SAMPLE_MS = 250;

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}

/** Runs `phase` and reads each process's CPU seconds and RSS over it; a process gone meanwhile reads undefined. */
export async function measureUsage<T>(pids: Record<string, number | undefined>, phase: () => Promise<T>): Promise<WithUsage<T>> {
  const named = Object.entries(pids);
  const start = new Map(named.map(([name, pid]) => [name, { cpu: readCpu(pid), rss: pid === undefined ? undefined : rssMiB(pid) }]));
  const peak = new Map(named.map(([name]) => [name, start.get(name)?.rss]));
  const sample = (): void => named.forEach(([name, pid]) => peak.set(name, maxOf(peak.get(name), pid === undefined ? undefined : rssMiB(pid))));
  const load = loadAverage1m();
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  try {
    const value = await phase();
    sample();
    const usage: Usage = Object.fromEntries(named.map(([name, pid]) => {
      const before = start.get(name);
      const end = pid === undefined ? undefined : rssMiB(pid);
      return [name, { cpuSeconds: cpuBetween(before?.cpu ?? {}, readCpu(pid)).own, rssMiB: { start: before?.rss, max: peak.get(name), end } }];
    }));
    return { value, usage, loadAverage1m: { start: load, end: loadAverage1m() } };
  } finally {
    clearInterval(timer);
  }
}
