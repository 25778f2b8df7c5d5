/**
 * The NodeAffinity filter's matching: spec.nodeSelector, and the required node-affinity
 * terms (requiredDuringSchedulingIgnoredDuringExecution). Terms are ORed; within a term all
 * expressions and fields must match; an empty term matches nothing.
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '../../api/core-v1';

export function matchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  const selector = pod.spec.nodeSelector ?? {};
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const terms = requiredTerms(pod);
  return terms === undefined || terms.some((term) => termMatches(term, node));
}

function requiredTerms(pod: Pod): NodeSelectorTerm[] | undefined {
  const affinity = pod.spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined;
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required ? required.nodeSelectorTerms ?? [] : undefined;
}

/** One required node-selector term (of a pod's affinity or a PersistentVolume's nodeAffinity) against a node. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return expressions.every((r) => requirementMatches(r, labels)) && fields.every((r) => requirementMatches(r, { 'metadata.name': node.metadata.name ?? '' }));
}

function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return has && values.includes(labels[r.key]);
    case 'NotIn': return !has || !values.includes(labels[r.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && compareInt(labels[r.key], values) > 0;
    case 'Lt': return has && compareInt(labels[r.key], values) < 0;
    default: return false;
  }
}

/** Sign of label - value for Gt/Lt; NaN (never matching) when either is not an integer. */
function compareInt(label: string, values: string[]): number {
  if (values.length !== 1 || !/^[+-]?\d+$/.test(label) || !/^[+-]?\d+$/.test(values[0])) return NaN;
  const a = BigInt(label);
  const b = BigInt(values[0]);
  return a === b ? 0 : a > b ? 1 : -1;
}
