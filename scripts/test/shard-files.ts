/**
 * How a suite's test files are split among mocha processes run side by side. Files under an
 * `agent/` directory (real dockerds and network namespaces, which share names and kernel state)
 * stay together in one shard; that group and every other file are placed longest first, each on
 * the shard with the least work so far (LPT scheduling), by the durations recorded at an earlier
 * run (scripts/test/durations.json; a file not yet recorded counts as the median of the others).
 * Within a shard the files keep their alphabetical order.
 */
import path from 'node:path';

/** Seconds a file took at the last recorded run, or undefined for a file never recorded. */
export type FileDurations = (file: string) => number | undefined;

interface Item {
  files: string[];
  seconds: number;
}

export function shardFiles(files: readonly string[], shards: number, durations: FileDurations = () => undefined): string[][] {
  if (shards <= 1) return [[...files]];
  const known = files.map(durations).filter((s): s is number => s !== undefined).sort((a, b) => a - b);
  const fallback = known.length > 0 ? known[Math.floor(known.length / 2)] : 1;
  const seconds = (f: string): number => durations(f) ?? fallback;
  const agent = (f: string): boolean => f.split(path.sep).includes('agent');
  const together = files.filter(agent);
  const items: Item[] = files.filter((f) => !agent(f)).map((f) => ({ files: [f], seconds: seconds(f) }));
  if (together.length > 0) items.push({ files: together, seconds: together.reduce((sum, f) => sum + seconds(f), 0) });
  items.sort((a, b) => b.seconds - a.seconds || a.files[0].localeCompare(b.files[0]));
  const groups = Array.from({ length: shards }, () => ({ files: [] as string[], seconds: 0 }));
  for (const item of items) {
    const least = groups.reduce((min, g) => (g.seconds < min.seconds ? g : min));
    least.files.push(...item.files);
    least.seconds += item.seconds;
  }
  return groups.filter((g) => g.files.length > 0).map((g) => g.files.sort());
}
