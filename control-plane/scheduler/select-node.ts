/**
 * One scheduling decision, pure: filter every node (node-fit.ts), score the feasible ones
 * (least-allocated.ts) and pick the best, breaking ties at random as kube-scheduler does so
 * that equal nodes share the load.
 */
import type { Node, Pod } from '../../api/core-v1';
import type { NodeRejection } from './failure-message';
import { checkNodeFit } from './node-fit';
import { leastAllocatedScore } from './least-allocated';

export type Selection =
  | { ok: true; node: Node; score: number }
  | { ok: false; totalNodes: number; rejections: NodeRejection[] };

export function selectNode(pod: Pod, nodes: readonly Node[], podsOn: (nodeName: string) => readonly Pod[], random: () => number = Math.random): Selection {
  const rejections: NodeRejection[] = [];
  let best: Node[] = [];
  let bestScore = -1;
  for (const node of nodes) {
    const bound = podsOn(node.metadata.name ?? '');
    const fit = checkNodeFit(pod, node, bound);
    if (!fit.fits) {
      rejections.push({ reasons: fit.reasons, unresolvable: fit.unresolvable });
      continue;
    }
    const score = leastAllocatedScore(pod, node, bound);
    if (score > bestScore) [best, bestScore] = [[node], score];
    else if (score === bestScore) best.push(node);
  }
  if (best.length === 0) return { ok: false, totalNodes: nodes.length, rejections };
  return { ok: true, node: best[Math.floor(random() * best.length) % best.length], score: bestScore };
}
