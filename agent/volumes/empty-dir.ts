/**
 * emptyDir volumes: a directory per pod and volume under the agent's state directory
 * (`pods/<uid>/volumes/kubernetes.io~empty-dir/<name>`, the kubelet's layout), world-writable
 * as the kubelet makes it; `medium: Memory` mounts a tmpfs there, bounded by `sizeLimit`.
 * It lives as long as the pod on this node: restarts of containers keep its content.
 * https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
 */
import { chmodSync, mkdirSync } from 'node:fs';
import type { Volume } from '../../api/core-v1';
import { tryParseQuantity } from '../../api/quantity';
import type { Mounter } from './tmpfs-mounter';

export type EmptyDirSource = NonNullable<Volume['emptyDir']>;

/** The tmpfs size for a sizeLimit; an Error for a bad quantity. */
export function tmpfsSize(sizeLimit: string | undefined): number | undefined | Error {
  if (sizeLimit === undefined || sizeLimit === '') return undefined;
  const q = tryParseQuantity(sizeLimit);
  if (q instanceof Error) return new Error(`emptyDir sizeLimit "${sizeLimit}": ${q.message}`);
  const bytes = q.value();
  return bytes > 0n ? Number(bytes) : undefined;
}

/** Makes the directory (and its tmpfs) if missing. Idempotent. */
export async function setUpEmptyDir(dir: string, source: EmptyDirSource, mounter: Mounter, signal: AbortSignal): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (source.medium === 'Memory') {
    const size = tmpfsSize(source.sizeLimit);
    if (size instanceof Error) throw size;
    if (!mounter.isMountPoint(dir)) await mounter.mountTmpfs(dir, size, signal);
  } else if (source.medium && source.medium !== '') {
    throw new Error(`emptyDir medium "${source.medium}" is not supported (use "" or "Memory")`);
  }
  chmodSync(dir, 0o777);
}
