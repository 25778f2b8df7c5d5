/**
 * Taint nodes by condition (the node lifecycle controller's doNoScheduleTaintingPass, GA
 * since Kubernetes 1.17): a node reporting MemoryPressure, DiskPressure or PIDPressure True, or
 * NetworkUnavailable True, carries the matching `node.kubernetes.io/<…>` NoSchedule taint,
 * which the scheduler honours like any other; the taint goes when the condition does (an
 * Unknown condition has none). Ready's taints are node-health.ts's. Pure.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-nodes-by-condition
 */
import type { NodeCondition, Taint } from '../../api/core-v1';
import { rfc3339 } from './node-health';

const CONDITION_TAINT_KEYS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};

const MANAGED = new Set(Object.values(CONDITION_TAINT_KEYS));

/** The taints with exactly the condition taints the conditions call for; ones already there are kept as they are. */
export function withConditionTaints(taints: readonly Taint[] | undefined, conditions: readonly NodeCondition[] | undefined, now: Date): Taint[] {
  const wanted = (conditions ?? []).filter((c) => c.status === 'True' && CONDITION_TAINT_KEYS[c.type]).map((c) => CONDITION_TAINT_KEYS[c.type] as string);
  const isManaged = (t: Taint): boolean => MANAGED.has(t.key) && t.effect === 'NoSchedule';
  const kept = (taints ?? []).filter((t) => !isManaged(t) || wanted.includes(t.key));
  const added = wanted.filter((key) => !kept.some((t) => t.key === key && t.effect === 'NoSchedule')).map((key): Taint => ({ key, effect: 'NoSchedule', timeAdded: rfc3339(now) }));
  return [...kept, ...added];
}
