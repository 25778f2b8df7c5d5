/**
 * How a suite's test files are split among mocha processes run side by side: files under an
 * `agent/` directory (real dockerds and network namespaces, which share names and kernel state)
 * stay together in a shard of their own; the others are dealt in turn to the rest (to all
 * shards when there are no such files, as in e2e, where each file brings up its own cluster).
 */
import path from 'node:path';

export function shardFiles(files: readonly string[], shards: number): string[][] {
  if (shards <= 1) return [[...files]];
  const agent = (f: string): boolean => f.split(path.sep).includes('agent');
  const together = files.filter(agent);
  const dealt: string[][] = Array.from({ length: together.length > 0 ? shards - 1 : shards }, () => []);
  files.filter((f) => !agent(f)).forEach((f, i) => dealt[i % dealt.length]?.push(f));
  return [together, ...dealt].filter((group) => group.length > 0);
}
