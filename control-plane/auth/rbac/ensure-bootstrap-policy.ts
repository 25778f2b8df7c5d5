/**
 * Reconciles the default roles and bindings at every start (the apiserver's
 * rbac/bootstrap-roles post-start hook): a missing one is created; one whose
 * `rbac.authorization.kubernetes.io/autoupdate` annotation is not "false" gets back the labels,
 * annotations, rules, aggregation selectors and subjects it lacks (what a user added stays).
 * Several replicas may run this at once: a create that meets AlreadyExists is reconciled.
 */
import { isApiError } from '../../../api/errors';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../../api/rbac-v1';
import { semanticEqual } from '../../../api/semantic-equality';
import type { Registry } from '../../registry/registry';
import { AUTOUPDATE_ANNOTATION, BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from './bootstrap-policy';

const CLUSTER_ROLES = 'clusterroles.rbac.authorization.k8s.io';
const CLUSTER_ROLE_BINDINGS = 'clusterrolebindings.rbac.authorization.k8s.io';

function missing<T>(have: readonly T[] | undefined, want: readonly T[] | undefined): T[] {
  return (want ?? []).filter((w) => !(have ?? []).some((h) => semanticEqual(h, w)));
}

function addMetadata<T extends ClusterRole | ClusterRoleBinding>(current: T, wanted: T): boolean {
  const labels = { ...wanted.metadata.labels, ...current.metadata.labels };
  const annotations = { ...wanted.metadata.annotations, ...current.metadata.annotations };
  const changed = !semanticEqual(labels, current.metadata.labels) || !semanticEqual(annotations, current.metadata.annotations);
  current.metadata.labels = labels;
  current.metadata.annotations = annotations;
  return changed;
}

function reconcileRole(current: ClusterRole, wanted: ClusterRole): ClusterRole | undefined {
  if (current.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') return undefined;
  let changed = addMetadata(current, wanted);
  if (wanted.aggregationRule) {
    const selectors = missing(current.aggregationRule?.clusterRoleSelectors, wanted.aggregationRule.clusterRoleSelectors);
    if (selectors.length > 0) current.aggregationRule = { clusterRoleSelectors: [...(current.aggregationRule?.clusterRoleSelectors ?? []), ...selectors] };
    changed ||= selectors.length > 0;
  } else {
    const rules: PolicyRule[] = missing(current.rules, wanted.rules);
    if (rules.length > 0) current.rules = [...(current.rules ?? []), ...rules];
    changed ||= rules.length > 0;
  }
  return changed ? current : undefined;
}

function reconcileBinding(current: ClusterRoleBinding, wanted: ClusterRoleBinding): ClusterRoleBinding | undefined {
  if (current.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') return undefined;
  let changed = addMetadata(current, wanted);
  const subjects: Subject[] = missing(current.subjects, wanted.subjects);
  if (subjects.length > 0) current.subjects = [...(current.subjects ?? []), ...subjects];
  changed ||= subjects.length > 0;
  return changed ? current : undefined;
}

async function ensure<T extends ClusterRole | ClusterRoleBinding>(registry: Registry, resource: string, wanted: T, reconcile: (current: T, wanted: T) => T | undefined): Promise<void> {
  const name = wanted.metadata.name ?? '';
  try {
    await registry.create(resource, undefined, structuredClone(wanted));
    return;
  } catch (err: unknown) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
  }
  await registry.guaranteedUpdate<T>(resource, undefined, name, (current) => reconcile(current, wanted));
}

export async function ensureBootstrapPolicy(registry: Registry): Promise<void> {
  for (const role of BOOTSTRAP_CLUSTER_ROLES) await ensure(registry, CLUSTER_ROLES, role, reconcileRole);
  for (const binding of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) await ensure(registry, CLUSTER_ROLE_BINDINGS, binding, reconcileBinding);
}
