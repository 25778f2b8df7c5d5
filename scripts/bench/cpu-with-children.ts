/**
 * A process's CPU time in two parts: its own (utime + stime, process-cpu.ts) and that of the
 * children it has waited for (cutime + cstime, fields 16-17 of /proc/<pid>/stat): for an agent, the
 * `iptables-save` / `iptables-restore` runs of its service proxy, which do much of the work
 * of programming rules and which the agent's own times leave out.
 */
import { readFileSync } from 'node:fs';
import { cpuPercent, cpuTicks } from './process-cpu';

export interface CpuReading {
  own?: number;
  children?: number;
}

export interface CpuSeconds {
  own?: number;
  children?: number;
  total?: number;
}

/** cutime + cstime of the process, in clock ticks; undefined once it is gone. */
export function childrenCpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return Number(fields[13]) + Number(fields[14]);
  } catch {
    return undefined;
  }
}

export function readCpu(pid: number | undefined): CpuReading {
  return pid === undefined ? {} : { own: cpuTicks(pid), children: childrenCpuTicks(pid) };
}

/** CPU seconds between two tick readings, to the millisecond: a 1 s window's % of one core is seconds × 100. */
function seconds(start: number | undefined, end: number | undefined): number | undefined {
  const percent = cpuPercent(start, end, 1);
  return percent === undefined ? undefined : Math.round(percent * 10) / 1000;
}

export function cpuBetween(start: CpuReading, end: CpuReading): CpuSeconds {
  const own = seconds(start.own, end.own);
  const children = seconds(start.children, end.children);
  const total = own === undefined || children === undefined ? undefined : Math.round((own + children) * 1000) / 1000;
  return { own, children, total };
}
