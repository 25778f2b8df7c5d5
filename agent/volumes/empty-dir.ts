/**
 * emptyDir volumes: a directory per pod and volume under the agent's state directory
 * (`pods/<uid>/volumes/kubernetes.io~empty-dir/<name>`, the kubelet's layout), world-writable
 * as the kubelet makes it; `medium: Memory` mounts a tmpfs there, sized as the kubelet's
 * SizeMemoryBackedVolumes (GA) does (`memoryBackedSize`). Its pages are charged to the memory
 * cgroup of the container writing them, as on any Linux tmpfs, so they count toward that
 * container's memory limit. It lives as long as the pod on this node: restarts of containers
 * keep its content.
 * https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
 */
import { chmodSync, mkdirSync } from 'node:fs';
import type { Pod, Volume } from '../../api/core-v1';
import { tryParseQuantity } from '../../api/quantity';
import { podCgroupConfig } from '../cgroups/pod-cgroup-config';
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

/**
 * The size of a memory-backed emptyDir (the kubelet's calculateEmptyDirMemorySize): the
 * node's allocatable memory, lowered to the pod's memory limit (its pod cgroup's: the sum of
 * the containers' limits when every container has one), lowered to `sizeLimit` when that is
 * smaller still. Undefined when none is known (the kernel's default, half the RAM).
 */
export function memoryBackedSize(source: EmptyDirSource, pod: Pod, allocatableMemory: string | undefined): number | undefined | Error {
  const volumeLimit = tmpfsSize(source.sizeLimit);
  if (volumeLimit instanceof Error) return volumeLimit;
  const node = tmpfsSize(allocatableMemory);
  const podLimit = podCgroupConfig(pod).memoryBytes;
  const known = [node instanceof Error ? undefined : node, podLimit, volumeLimit].filter((n): n is number => n !== undefined && n > 0);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/** Makes the directory (and its tmpfs) if missing. Idempotent. `allocatableMemory`: the node's, as a quantity. */
export async function setUpEmptyDir(dir: string, pod: Pod, source: EmptyDirSource, allocatableMemory: string | undefined, mounter: Mounter, signal: AbortSignal): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (source.medium === 'Memory') {
    const size = memoryBackedSize(source, pod, allocatableMemory);
    if (size instanceof Error) throw size;
    if (!(await mounter.isLocalMountPoint(dir))) await mounter.mountTmpfs(dir, size, signal);
  } else if (source.medium && source.medium !== '') {
    throw new Error(`emptyDir medium "${source.medium}" is not supported (use "" or "Memory")`);
  }
  chmodSync(dir, 0o777);
}
