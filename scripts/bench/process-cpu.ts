/**
 * CPU time of a process as /proc/<pid>/stat counts it (utime + stime, in clock ticks), and the
 * share of one core it used over a window: what `top` shows for the process, averaged.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc/<pid>/stat times; 100 on every Linux the Pis run. */
function clockTicksPerSecond(): number {
  try {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(hz) && hz > 0 ? hz : 100;
  } catch {
    return 100;
  }
}

const TICKS_PER_SECOND = clockTicksPerSecond();

/** utime + stime of the process itself (not its children); undefined once it is gone. */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Percent of one core used between two tick readings `seconds` apart, one decimal. */
export function cpuPercent(startTicks: number | undefined, endTicks: number | undefined, seconds: number): number | undefined {
  if (startTicks === undefined || endTicks === undefined || seconds <= 0) return undefined;
  return Math.round(((endTicks - startTicks) / TICKS_PER_SECOND / seconds) * 1000) / 10;
}
