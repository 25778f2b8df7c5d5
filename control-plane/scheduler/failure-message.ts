/**
 * The message of a FailedScheduling event and of the PodScheduled=False condition, as the
 * Kubernetes 1.32 scheduler prints it (framework.FitError.Error plus the DefaultPreemption
 * PostFilter message):
 *
 *   0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node
 *   affinity/selector. preemption: 0/2 nodes are available: 1 No preemption victims found
 *   for incoming pod, 1 Preemption is not helpful for scheduling..
 *
 * Reasons are counted over nodes and sorted as strings ("1 Insufficient cpu" before
 * "1 node(s)..."). The doubled final period is Kubernetes' own: the preemption message ends
 * with one and the separator adds another.
 *
 * pikube does not preempt, so the preemption part is what Kubernetes prints when no
 * lower-priority victims exist: nodes rejected for resources say "No preemption victims found
 * for incoming pod", nodes rejected for unresolvable reasons "Preemption is not helpful for
 * scheduling". Callers that prefer no preemption part pass `preemption: false`.
 */

/** One rejected node; `unresolvable` as in NodeFit. */
export interface NodeRejection {
  reasons: readonly string[];
  unresolvable: boolean;
}

export interface FailureMessageOptions {
  /** spec.preemptionPolicy of the pod; "Never" makes it ineligible for preemption. */
  preemptionPolicy?: string;
  /** Include the "preemption: ..." part (default true). */
  preemption?: boolean;
  /**
   * A PreFilter plugin's rejection (FitError's PreFilterMsg): printed after the node count, and
   * every node counts as unresolvable (the plugin rejected the pod, not a node).
   */
  preFilterMessage?: string;
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';

/**
 * @param totalNodes nodes considered (rejected nodes plus any absent from `rejections`).
 * @param rejections one entry per rejected node.
 */
export function failedSchedulingMessage(totalNodes: number, rejections: readonly NodeRejection[], options: FailureMessageOptions = {}): string {
  if (totalNodes === 0) return NO_NODES_AVAILABLE;
  if (options.preFilterMessage !== undefined) return preFilterFailure(totalNodes, options);
  const main = fitErrorMessage(totalNodes, histogram(rejections.flatMap((r) => r.reasons)));
  if (options.preemption === false) return main;
  return `${main} preemption: ${preemptionMessage(totalNodes, rejections, options)}.`;
}

/** "0/N nodes are available: <PreFilter message>. preemption: 0/N nodes are available: N Preemption is not helpful…". */
function preFilterFailure(totalNodes: number, options: FailureMessageOptions): string {
  const main = `0/${totalNodes} nodes are available: ${options.preFilterMessage ?? ''}.`;
  if (options.preemption === false) return main;
  const unresolvable: NodeRejection[] = Array.from({ length: totalNodes }, () => ({ reasons: [], unresolvable: true }));
  return `${main} preemption: ${preemptionMessage(totalNodes, unresolvable, options)}.`;
}

/** "0/N nodes are available: <counts>." (FitError.Error without a PreFilter message). */
function fitErrorMessage(totalNodes: number, counts: Map<string, number>): string {
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  const reasons = parts.length ? ` ${parts.join(', ')}.` : '';
  return `0/${totalNodes} nodes are available:${reasons}`;
}

function preemptionMessage(totalNodes: number, rejections: readonly NodeRejection[], options: FailureMessageOptions): string {
  if (options.preemptionPolicy === 'Never') return NOT_ELIGIBLE_NEVER;
  const candidates = rejections.filter((r) => !r.unresolvable).length;
  const counts = new Map<string, number>();
  if (candidates > 0) counts.set(NO_VICTIMS, candidates);
  if (totalNodes - candidates > 0) counts.set(PREEMPTION_NOT_HELPFUL, totalNodes - candidates);
  return fitErrorMessage(totalNodes, counts);
}

function histogram(reasons: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}
