/**
 * What the namespace controller does with a namespace being deleted (Kubernetes' namespace
 * controller): once it is Terminating, every namespaced object in it is deleted (pods
 * gracefully, so their nodes stop them first); while some remain (pods in their grace period)
 * it looks again after `recheckMs`; when none is left, the `kubernetes` finalizer is removed
 * through `…/finalize` and the namespace goes away. Pure.
 */
import type { Namespace } from '../../api/core-v1';
import { isTerminating } from '../registry/namespace-lifecycle';

export const NAMESPACE_FINALIZER = 'kubernetes';

export type NamespaceStep =
  | { op: 'none' }
  | { op: 'wait'; requeueAfterMs: number }
  | { op: 'finalize'; namespace: Namespace };

/** Whether the namespace's contents are to be deleted now. */
export function needsEmptying(ns: Namespace | undefined): ns is Namespace {
  return ns !== undefined && isTerminating(ns) && (ns.spec?.finalizers ?? []).includes(NAMESPACE_FINALIZER);
}

/** After its contents were deleted, `remaining` objects still exist (being deleted gracefully). */
export function planFinalize(ns: Namespace, remaining: number, recheckMs: number): NamespaceStep {
  if (remaining > 0) return { op: 'wait', requeueAfterMs: recheckMs };
  const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
  return { op: 'finalize', namespace: { ...structuredClone(ns), spec: { ...structuredClone(ns.spec), finalizers } } };
}
