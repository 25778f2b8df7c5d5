/**
 * CPU used over one phase of a benchmark, as % of one core: each named process's (from
 * /proc/<pid>/stat) and the benchmark's own (`benchmark`), which shares the cores with them.
 */
import { cpuPercent, cpuTicks } from './process-cpu';

export type CpuShares = Record<string, number | undefined>;

export interface Measured<T> {
  value: T;
  cpuPercent: CpuShares;
}

function ownPercent(start: NodeJS.CpuUsage, seconds: number): number {
  const used = process.cpuUsage(start);
  return Math.round(((used.user + used.system) / 1e6 / seconds) * 1000) / 10;
}

export async function measureCpu<T>(pids: Record<string, number | undefined>, phase: () => Promise<T>): Promise<Measured<T>> {
  const before = Object.entries(pids).map(([name, pid]) => [name, pid, pid === undefined ? undefined : cpuTicks(pid)] as const);
  const own = process.cpuUsage();
  const start = performance.now();
  const value = await phase();
  const seconds = (performance.now() - start) / 1000;
  const shares: CpuShares = Object.fromEntries(before.map(([name, pid, ticks]) => [name, cpuPercent(ticks, pid === undefined ? undefined : cpuTicks(pid), seconds)]));
  return { value, cpuPercent: { ...shares, benchmark: ownPercent(own, seconds) } };
}
