/**
 * The kubelet eviction manager's emptyDir check (eviction_manager.go emptyDirLimitEviction,
 * under LocalStorageCapacityIsolation, on by default): a pod any of whose emptyDir volumes
 * uses more than its `sizeLimit` is evicted — phase Failed, reason `Evicted`, the message
 * below, a Warning `Evicted` event, its containers killed without their grace period; it is
 * not restarted (a ReplicaSet makes a new pod). A memory-backed emptyDir cannot grow past
 * its tmpfs, sized to the limit, so only disk ones are measured.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/
 */
import type { Pod } from '../../api/core-v1';
import { tryParseQuantity } from '../../api/quantity';

export const EVICTED_REASON = 'Evicted';

/** emptyDirMessageFmt, trailing space included. */
export function emptyDirOverLimitMessage(volume: string, limit: string): string {
  return `Usage of EmptyDir volume "${volume}" exceeds the limit "${limit}". `;
}

export interface LimitedEmptyDir {
  volume: string;
  /** The limit as Kubernetes prints the quantity. */
  limit: string;
  limitBytes: number;
}

/** The pod's disk-backed emptyDir volumes with a positive sizeLimit. */
export function limitedEmptyDirs(pod: Pod): LimitedEmptyDir[] {
  return (pod.spec.volumes ?? []).flatMap((v) => {
    const source = v.emptyDir;
    if (!source || source.medium === 'Memory' || !source.sizeLimit) return [];
    const q = tryParseQuantity(source.sizeLimit);
    if (q instanceof Error || q.value() <= 0n) return [];
    return [{ volume: v.name, limit: q.toString(), limitBytes: Number(q.value()) }];
  });
}

/** The eviction message for the first volume whose usage exceeds its limit; undefined when none does. */
export function emptyDirEviction(limits: LimitedEmptyDir[], usedBytes: (volume: string) => number | undefined): string | undefined {
  const over = limits.find((l) => (usedBytes(l.volume) ?? 0) > l.limitBytes);
  return over ? emptyDirOverLimitMessage(over.volume, over.limit) : undefined;
}
