/**
 * Namespace defaults: on every decode (SetDefaults_Namespace, SetDefaults_NamespaceStatus)
 * the `kubernetes.io/metadata.name` label and phase Active; on create (the namespace
 * strategy's PrepareForCreate) status reset to Active and the `kubernetes` finalizer added.
 */
import type { Namespace } from '../core-v1';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const KUBERNETES_FINALIZER = 'kubernetes';

/** Returns a defaulted copy. The name label always mirrors the name, as in Kubernetes. */
export function defaultNamespace(ns: Namespace): Namespace {
  const out = structuredClone(ns);
  if (out.metadata?.name) out.metadata.labels = { ...(out.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: out.metadata.name };
  out.status = { ...(out.status ?? {}), phase: out.status?.phase ?? 'Active' };
  return out;
}

/** Defaults plus what creating a namespace sets: phase Active and the kubernetes finalizer. */
export function namespaceForCreate(ns: Namespace): Namespace {
  const out = defaultNamespace(ns);
  out.status = { phase: 'Active' };
  const finalizers = out.spec?.finalizers ?? [];
  out.spec = { ...(out.spec ?? {}), finalizers: finalizers.includes(KUBERNETES_FINALIZER) ? finalizers : [...finalizers, KUBERNETES_FINALIZER] };
  return out;
}
