/**
 * The node's own usage, as the kubelet reports it for the node (its root cgroup): cumulative
 * CPU time from /proc/stat (every state but idle and iowait, in USER_HZ ticks: 100 a second on
 * Linux's arm and x86 builds) and the working set from /proc/meminfo (MemTotal − MemFree −
 * Inactive(file): usage minus inactive file pages, cAdvisor's rule for the root on cgroup v2,
 * and the same figure on v1). /proc, not the root cgroup, so both versions read alike.
 */
import { readFileSync } from 'node:fs';
import type { UsageSample } from './cgroup-usage';

const NS_PER_TICK = 1e9 / 100;
/** /proc/stat `cpu` columns: user nice system idle iowait irq softirq steal (guest ones are inside user). */
const BUSY_COLUMNS = [0, 1, 2, 5, 6, 7];

export interface NodeUsageSample extends UsageSample {
  /** When the counters started: the boot (/proc/stat `btime`), ms since the epoch. */
  startedAtMs: number;
}

function meminfoKiB(meminfo: string, key: string): number {
  const match = new RegExp(`^${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB`, 'm').exec(meminfo);
  if (!match) throw new Error(`/proc/meminfo has no ${key}`);
  return Number(match[1]);
}

/** Parses /proc/stat and /proc/meminfo; throws on text that is not theirs. */
export function nodeUsageFrom(stat: string, meminfo: string): NodeUsageSample {
  const cpu = /^cpu\s+([\d\s]+)$/m.exec(stat);
  const btime = /^btime\s+(\d+)$/m.exec(stat);
  if (!cpu || !btime) throw new Error('/proc/stat has no cpu or btime line');
  const ticks = cpu[1].trim().split(/\s+/).map(Number);
  const busy = BUSY_COLUMNS.reduce((sum, i) => sum + (ticks[i] ?? 0), 0);
  const usedKiB = meminfoKiB(meminfo, 'MemTotal') - meminfoKiB(meminfo, 'MemFree') - meminfoKiB(meminfo, 'Inactive(file)');
  return { cpuNs: busy * NS_PER_TICK, workingSetBytes: Math.max(0, usedKiB) * 1024, startedAtMs: Number(btime[1]) * 1000 };
}

export function readNodeUsage(): NodeUsageSample {
  return nodeUsageFrom(readFileSync('/proc/stat', 'utf8'), readFileSync('/proc/meminfo', 'utf8'));
}
