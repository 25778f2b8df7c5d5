/**
 * What the endpoints controller does for one Service (Kubernetes' endpoints controller):
 * a selector Service's Endpoints list the pods it selects (endpoints-subsets.ts); a Service
 * without a selector keeps user-written Endpoints untouched; a deleted Service's Endpoints go.
 * Nothing is written when the result equals what is there (an idle cluster does not wear the
 * SD card). Pure: the controller reads and writes.
 */
import type { Pod } from '../../api/core-v1';
import type { Endpoints, Service } from '../../api/service-v1';
import { stableJson } from '../registry/object-meta';
import { endpointsSubsets } from './endpoints-subsets';
import { hasManagedEndpoints, podEndpoints } from './service-endpoints';

const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export type EndpointsAction =
  | { op: 'none' }
  | { op: 'create'; endpoints: Endpoints }
  /** Carries the current metadata (resourceVersion: a compare-and-swap). */
  | { op: 'update'; endpoints: Endpoints }
  | { op: 'delete'; endpoints: Endpoints };

/**
 * `pods` are the pods of the service's namespace; `current` the Endpoints of the service's
 * name, if any. A pod `podEndpoints` cannot read goes to `skipped`.
 */
export function planEndpoints(svc: Service | undefined, pods: readonly Pod[], current: Endpoints | undefined, skipped?: (pod: Pod, err: unknown) => void): EndpointsAction {
  if (!svc) return current ? { op: 'delete', endpoints: current } : { op: 'none' };
  if (!hasManagedEndpoints(svc)) return { op: 'none' };
  const desired = desiredEndpoints(svc, endpointsSubsets(svc, podEndpoints(svc, pods, skipped)));
  if (!current) return { op: 'create', endpoints: desired };
  if (sameEndpoints(current, desired)) return { op: 'none' };
  return { op: 'update', endpoints: { ...desired, metadata: { ...structuredClone(current.metadata), labels: desired.metadata.labels } } };
}

function desiredEndpoints(svc: Service, subsets: Endpoints['subsets']): Endpoints {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels } };
  if (subsets && subsets.length > 0) ep.subsets = subsets;
  return ep;
}

function sameEndpoints(current: Endpoints, desired: Endpoints): boolean {
  return stableJson(current.subsets ?? []) === stableJson(desired.subsets ?? []) && stableJson(current.metadata.labels ?? {}) === stableJson(desired.metadata.labels ?? {});
}
