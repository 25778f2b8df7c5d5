/**
 * NodeResourcesFit scoring with the LeastAllocated strategy (cpu and memory, weight 1 each):
 * per resource ((allocatable - requested) * 100) / allocatable, integer arithmetic, then the
 * weighted mean. `requested` counts the bound pods and the incoming one with the scheduler's
 * non-zero defaults (100m cpu, 200Mi memory for a container that requests none).
 * A node with no allocatable amount of a resource leaves that resource out.
 */
import type { Node, Pod } from '../../api/core-v1';
import { amountsOf, podRequests } from '../../api/pod-resources';
import { isTerminated, samePod, sumRequests } from './node-fit';

export const MAX_NODE_SCORE = 100;

const SCORED_RESOURCES: readonly { name: string; weight: number }[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** 0 (fully allocated) to 100 (empty). */
export function leastAllocatedScore(pod: Pod, node: Node, boundPods: readonly Pod[]): number {
  const allocatable = amountsOf(node.status?.allocatable);
  const others = boundPods.filter((p) => !isTerminated(p) && !samePod(p, pod));
  const requested = sumRequests(others, { nonZero: true });
  const incoming = podRequests(pod, { nonZero: true });
  let score = 0;
  let weights = 0;
  for (const { name, weight } of SCORED_RESOURCES) {
    const capacity = allocatable[name] ?? 0;
    if (capacity === 0) continue;
    score += leastRequestedScore((requested[name] ?? 0) + (incoming[name] ?? 0), capacity) * weight;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.floor(score / weights);
}

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}
