/**
 * The state directory of a PodManager under test, and its end: pods leave the desired set so
 * their volumes (tmpfs emptyDirs) are unmounted with them, leftovers are unmounted, and the
 * directory is removed only once nothing is mounted under it (never a mounted tree).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PodManager } from '../../../agent/pods/pod-manager';
import { systemMounter } from '../../../agent/volumes/tmpfs-mounter';
import { until } from '../../../scripts/cluster/wait-until';

export function makeStateDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

const mountedUnder = (dir: string): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((d): d is string => !!d && d.startsWith(dir));

/** Stops every pod of the manager (an agent's shutdown would leave them), unmounts what is left under `stateDir`, disposes the manager. */
export async function stopPodsAndUnmount(manager: PodManager | undefined, stateDir: string): Promise<void> {
  manager?.setDesired([]);
  await until(() => mountedUnder(stateDir).length === 0, { timeoutMs: 30_000, describe: () => `mounts left under ${stateDir}` }).catch(() => undefined);
  for (const dir of mountedUnder(stateDir)) await systemMounter.unmount(dir, AbortSignal.timeout(10_000));
  await manager?.dispose();
}

export function removeStateDir(stateDir: string | undefined): void {
  if (stateDir && mountedUnder(stateDir).length === 0) rmSync(stateDir, { recursive: true, force: true });
}
