/**
 * How a suite's test files are split among mocha processes run side by side: files under an
 * `agent/` directory (real dockerds and network namespaces, which share names and kernel state)
 * stay together in the first shard; the others are dealt in turn to the rest.
 */
import path from 'node:path';

export function shardFiles(files: readonly string[], shards: number): string[][] {
  if (shards <= 1) return [[...files]];
  const out: string[][] = Array.from({ length: shards }, () => []);
  const agent = (f: string): boolean => f.split(path.sep).includes('agent');
  out[0]?.push(...files.filter(agent));
  files.filter((f) => !agent(f)).forEach((f, i) => out[1 + (i % (shards - 1))]?.push(f));
  return out.filter((group) => group.length > 0);
}
