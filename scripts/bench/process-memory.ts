/**
 * A process's memory as /proc/<pid>/smaps_rollup counts it, in MiB with one decimal:
 * - rss: every resident page mapped, shared ones included (what `ps`, `top` and the budgets
 *   in DESIGN.md count);
 * - pss: shared pages divided among the processes sharing them (the Node.js binary's code
 *   pages are shared by every node process of the machine);
 * - anon: private memory the process made itself (V8 heaps, malloc): what only it holds;
 * - file: resident pages backed by files (the node binary, libraries), which the kernel may
 *   drop and read back under pressure.
 */
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  rss: number;
  pss: number;
  anon: number;
  file: number;
}

function mib(kb: number): number {
  return Math.round((kb / 1024) * 10) / 10;
}

/** Parses smaps_rollup's text; undefined when a field is missing (a kernel before 4.14 has no rollup). */
export function parseSmapsRollup(text: string): ProcessMemory | undefined {
  const kb = (field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const [rss, pss, anon] = [kb('Rss'), kb('Pss'), kb('Anonymous')];
  if (rss === undefined || pss === undefined || anon === undefined) return undefined;
  return { rss: mib(rss), pss: mib(pss), anon: mib(anon), file: mib(rss - anon) };
}

/** The process's memory now; undefined once it is gone (or unreadable). */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    return parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  } catch {
    return undefined;
  }
}
