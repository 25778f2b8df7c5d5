/**
 * Runs a benchmark on a fresh simulated cluster of its own (after the leftover sweep) and
 * always tears it down: at the end, after a failure, and on Ctrl-C or SIGTERM (the teardown is
 * registered before anything is created, so an interruption during start-up removes what was
 * made). A failed teardown does not discard figures already measured: it is reported, the run
 * exits non-zero, and the next run's leftover sweep retries the removal.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downCluster, upCluster, type Cluster, type ClusterOptions } from '../cluster/cluster';
import { cleanLeftovers } from '../cluster/leftovers';

export type FreshClusterOptions = Omit<ClusterOptions, 'baseDir' | 'removeBaseDir' | 'onRegistered'>;

function teardownOnce(bench: string, cluster: Cluster): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= downCluster(cluster).catch((err: unknown) => {
    console.error(`${bench}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }));
}

export async function onFreshCluster<T>(bench: string, opts: FreshClusterOptions, scenario: (cluster: Cluster) => Promise<T>): Promise<T> {
  await cleanLeftovers();
  const baseDir = mkdtempSync(path.join(os.tmpdir(), `pikube-bench-${bench}-`));
  let teardown: (() => Promise<void>) | undefined;
  const interrupted = (): void => void (teardown?.() ?? Promise.resolve()).then(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const cluster = await upCluster({ ...opts, baseDir, removeBaseDir: true, onRegistered: (state) => { teardown = teardownOnce(bench, state); } });
    teardown ??= teardownOnce(bench, cluster);
    return await scenario(cluster);
  } finally {
    await teardown?.();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}
