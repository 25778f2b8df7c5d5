/**
 * The kinds this API server serves, listed once. Adding a kind is one `kinds/<kind>.ts` and
 * one line here: routing, discovery, OpenAPI, storage, watch, validation, Table output and
 * field selectors follow from its definition.
 */
import type { KubeObject } from '../../api/meta';
import { BINDINGS } from './kinds/binding';
import { CERTIFICATE_SIGNING_REQUESTS } from './kinds/certificate-signing-request';
import { CONFIG_MAPS } from './kinds/config-map';
import { CONTROLLER_REVISIONS } from './kinds/controller-revision';
import { CRON_JOBS } from './kinds/cron-job';
import { CUSTOM_RESOURCE_DEFINITIONS } from './kinds/custom-resource-definition';
import { DAEMON_SETS } from './kinds/daemon-set';
import { DEPLOYMENTS } from './kinds/deployment';
import { ENDPOINT_SLICES } from './kinds/endpoint-slice';
import { ENDPOINTS } from './kinds/endpoints';
import { EVENTS } from './kinds/event';
import { JOBS } from './kinds/job';
import { LIMIT_RANGES } from './kinds/limit-range';
import { NAMESPACES } from './kinds/namespace';
import { NODES } from './kinds/node';
import { PERSISTENT_VOLUME_CLAIMS } from './kinds/persistent-volume-claim';
import { PERSISTENT_VOLUMES } from './kinds/persistent-volume';
import { POD_DISRUPTION_BUDGETS } from './kinds/pod-disruption-budget';
import { PODS } from './kinds/pod';
import { REPLICA_SETS } from './kinds/replica-set';
import { RESOURCE_QUOTAS } from './kinds/resource-quota';
import { SECRETS } from './kinds/secret';
import { SERVICE_ACCOUNTS } from './kinds/service-account';
import { SERVICES } from './kinds/service';
import { STATEFUL_SETS } from './kinds/stateful-set';
import { STORAGE_CLASSES } from './kinds/storage-class';
import { CLUSTER_ROLE_BINDINGS } from './kinds/cluster-role-binding';
import { CLUSTER_ROLES } from './kinds/cluster-role';
import { LOCAL_SUBJECT_ACCESS_REVIEWS } from './kinds/local-subject-access-review';
import { ROLE_BINDINGS } from './kinds/role-binding';
import { ROLES } from './kinds/role';
import { SELF_SUBJECT_ACCESS_REVIEWS } from './kinds/self-subject-access-review';
import { SELF_SUBJECT_REVIEWS } from './kinds/self-subject-review';
import { TOKEN_REVIEWS } from './kinds/token-review';
import { SELF_SUBJECT_RULES_REVIEWS } from './kinds/self-subject-rules-review';
import { SUBJECT_ACCESS_REVIEWS } from './kinds/subject-access-review';
import { NODE_METRICS } from './kinds/node-metrics';
import { LEASES } from './kinds/lease';
import { COMPONENT_STATUSES } from './kinds/component-status';
import { POD_METRICS } from './kinds/pod-metrics';
import type { ResourceDefinition } from './resource-definition';
import { apiVersionOf } from './resource-info';

export {
  BINDINGS,
  CERTIFICATE_SIGNING_REQUESTS,
  CONFIG_MAPS,
  CONTROLLER_REVISIONS,
  CRON_JOBS,
  CUSTOM_RESOURCE_DEFINITIONS,
  DAEMON_SETS,
  DEPLOYMENTS,
  ENDPOINT_SLICES,
  ENDPOINTS,
  EVENTS,
  JOBS,
  LIMIT_RANGES,
  NAMESPACES,
  NODES,
  PERSISTENT_VOLUME_CLAIMS,
  PERSISTENT_VOLUMES,
  POD_DISRUPTION_BUDGETS,
  PODS,
  REPLICA_SETS,
  RESOURCE_QUOTAS,
  SECRETS,
  SERVICE_ACCOUNTS,
  SERVICES,
  STATEFUL_SETS,
  STORAGE_CLASSES,
  ROLES,
  CLUSTER_ROLES,
  ROLE_BINDINGS,
  CLUSTER_ROLE_BINDINGS,
  NODE_METRICS,
  POD_METRICS,
  LEASES,
  COMPONENT_STATUSES,
};

/** A definition of any kind (what lists of kinds hold). */
export type AnyKind = ResourceDefinition<KubeObject>;

// One kind per line: discovery lists them in this order.
export const KINDS: readonly AnyKind[] = [
  NAMESPACES,
  NODES,
  PODS,
  EVENTS,
  BINDINGS,
  SERVICES,
  ENDPOINTS,
  ENDPOINT_SLICES,
  CONFIG_MAPS,
  SECRETS,
  SERVICE_ACCOUNTS,
  PERSISTENT_VOLUME_CLAIMS,
  PERSISTENT_VOLUMES,
  COMPONENT_STATUSES,
  LIMIT_RANGES,
  RESOURCE_QUOTAS,
  DEPLOYMENTS,
  REPLICA_SETS,
  DAEMON_SETS,
  STATEFUL_SETS,
  CONTROLLER_REVISIONS,
  JOBS,
  CRON_JOBS,
  POD_DISRUPTION_BUDGETS,
  STORAGE_CLASSES,
  ROLES,
  CLUSTER_ROLES,
  ROLE_BINDINGS,
  CLUSTER_ROLE_BINDINGS,
  SELF_SUBJECT_ACCESS_REVIEWS,
  SELF_SUBJECT_RULES_REVIEWS,
  SUBJECT_ACCESS_REVIEWS,
  LOCAL_SUBJECT_ACCESS_REVIEWS,
  SELF_SUBJECT_REVIEWS,
  TOKEN_REVIEWS,
  CERTIFICATE_SIGNING_REQUESTS,
  NODE_METRICS,
  POD_METRICS,
  LEASES,
  CUSTOM_RESOURCE_DEFINITIONS,
];

export function findResource(kinds: readonly AnyKind[], group: string, version: string, resource: string): AnyKind | undefined {
  return kinds.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/**
 * Looks a resource up the way internal callers name it: `pods`, `deployments.apps`
 * (resource.group, as in Kubernetes messages and RBAC rules), or a kind such as `Pod`.
 */
export function resolveResource(kinds: readonly AnyKind[], name: string): AnyKind | undefined {
  const dot = name.indexOf('.');
  const [resource, group] = dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
  return kinds.find((r) => r.group === group && r.resource === resource) ?? kinds.find((r) => r.kind === name);
}

/** The group versions served, in discovery order: '' (core) first. */
export function servedGroupVersions(kinds: readonly AnyKind[]): { group: string; version: string; groupVersion: string }[] {
  const seen = new Map<string, { group: string; version: string; groupVersion: string }>();
  for (const r of kinds) seen.set(apiVersionOf(r), { group: r.group, version: r.version, groupVersion: apiVersionOf(r) });
  return [...seen.values()];
}
