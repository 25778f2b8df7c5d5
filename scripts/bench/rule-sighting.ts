/**
 * Polling a node's rules until they show something, and when they first did. The sighting time
 * is the end of the first read that showed it: an upper bound, late by at most one read plus
 * one interval (the rule was absent at the previous read), which is what `readMs` and the
 * interval let a reader bound.
 */
import { until } from '../cluster/wait-until';

export interface Sighting {
  /** performance.now() at the end of the first read that showed it. */
  at: number;
  /** Reads made, including the one that showed it. */
  reads: number;
  /** Total time spent inside reads. */
  readMs: number;
}

export interface SightingOptions {
  intervalMs: number;
  timeoutMs: number;
  describe: () => string;
}

/** Reads until `shows` holds (each read is one `iptables` run in the node's namespace). */
export async function sight(shows: () => Promise<boolean>, opts: SightingOptions): Promise<Sighting> {
  let reads = 0;
  let readMs = 0;
  const at = await until(async () => {
    const start = performance.now();
    const seen = await shows();
    const end = performance.now();
    reads++;
    readMs += end - start;
    return seen ? end : undefined;
  }, { timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs, describe: opts.describe });
  return { at, reads, readMs };
}
