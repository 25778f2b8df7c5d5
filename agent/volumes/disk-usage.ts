/**
 * Bytes a directory tree uses on disk, as the kubelet measures a volume (pkg/volume/util/fs
 * DiskUsage, like `du -s -B1`): allocated blocks of every entry, symlinks not followed, a file
 * with several hard links counted once, other file systems mounted below not entered. Entries
 * that vanish while walking are skipped (the pod keeps writing).
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

async function statOrUndefined(p: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
}

async function entriesOf(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

export async function diskUsageBytes(root: string, signal: AbortSignal): Promise<number> {
  const top = await statOrUndefined(root);
  if (!top) return 0;
  const seen = new Set<string>();
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    signal.throwIfAborted();
    const dir = pending.pop() as string;
    for (const name of await entriesOf(dir)) {
      const p = path.join(dir, name);
      const st = await statOrUndefined(p);
      if (!st || st.dev !== top.dev) continue;
      const id = `${st.ino}`;
      if (st.nlink > 1 && !st.isDirectory() && seen.has(id)) continue;
      if (st.nlink > 1) seen.add(id);
      total += Number(st.blocks) * 512;
      if (st.isDirectory()) pending.push(p);
    }
  }
  return total + Number(top.blocks) * 512;
}
