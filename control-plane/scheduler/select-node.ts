/**
 * One scheduling decision, pure: filter every node (node-fit.ts), score the feasible ones
 * (least-allocated.ts) and pick the best, breaking ties at random as kube-scheduler does so
 * that equal nodes share the load.
 */
import type { Node, Pod } from '../../api/core-v1';
import type { NodeRejection } from './failure-message';
import { checkNodeFit, type NodeFit } from './node-fit';
import { leastAllocatedScore } from './least-allocated';

export type Selection =
  | { ok: true; node: Node; score: number }
  | { ok: false; totalNodes: number; rejections: NodeRejection[] };

/** Why a node that could not be read (a malformed stored Node) takes no pods. */
export const UNREADABLE_NODE = "node(s) couldn't be read";

type Judgement = { fits: true; score: number } | { fits: false; rejection: NodeRejection };

/** Fit and score of one node; a node that throws (malformed) is rejected, reported to `skipped`, and the loop goes on. */
function judge(pod: Pod, node: Node, podsOn: (nodeName: string) => readonly Pod[], skipped?: (node: Node, err: unknown) => void, volumes?: (pod: Pod, node: Node) => NodeFit): Judgement {
  try {
    const bound = podsOn(node.metadata.name ?? '');
    const fit = checkNodeFit(pod, node, bound, volumes);
    if (!fit.fits) return { fits: false, rejection: { reasons: fit.reasons, unresolvable: fit.unresolvable } };
    return { fits: true, score: leastAllocatedScore(pod, node, bound) };
  } catch (err) {
    skipped?.(node, err);
    return { fits: false, rejection: { reasons: [UNREADABLE_NODE], unresolvable: true } };
  }
}

export function selectNode(
  pod: Pod, nodes: readonly Node[], podsOn: (nodeName: string) => readonly Pod[], random: () => number = Math.random,
  skipped?: (node: Node, err: unknown) => void, volumes?: (pod: Pod, node: Node) => NodeFit,
): Selection {
  const rejections: NodeRejection[] = [];
  let best: Node[] = [];
  let bestScore = -1;
  for (const node of nodes) {
    const judged = judge(pod, node, podsOn, skipped, volumes);
    if (!judged.fits) {
      rejections.push(judged.rejection);
      continue;
    }
    if (judged.score > bestScore) [best, bestScore] = [[node], judged.score];
    else if (judged.score === bestScore) best.push(node);
  }
  if (best.length === 0) return { ok: false, totalNodes: nodes.length, rejections };
  return { ok: true, node: best[Math.floor(random() * best.length) % best.length], score: bestScore };
}
