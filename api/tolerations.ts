/**
 * Taint/toleration matching (k8s.io/api/core/v1 Toleration.ToleratesTaint and
 * component-helpers FindMatchingUntoleratedTaint), shared by the scheduler and eviction.
 */
import type { Taint, Toleration } from './core-v1';

/** An empty toleration effect or key matches any; operator Exists ignores the value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function taintTolerated(taint: Taint, tolerations: Toleration[] | undefined): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first taint (in node order) passing `filter` that no toleration tolerates. */
export function findUntoleratedTaint(taints: Taint[] | undefined, tolerations: Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  return (taints ?? []).find((taint) => filter(taint) && !taintTolerated(taint, tolerations));
}
