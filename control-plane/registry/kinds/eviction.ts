/**
 * The policy/v1 Eviction, the body of `POST …/pods/{name}/eviction`: a kind decoded (JSON or
 * protobuf) but never stored nor served as a resource of its own, and the pod's `eviction`
 * subresource that performs it (pod-eviction.ts). Deviation: Kubernetes also accepts a
 * policy/v1beta1 Eviction body; this server, which lists policy/v1 in discovery as kubectl's
 * drain reads it, accepts policy/v1 only.
 */
import type { Eviction } from '../../../api/policy-v1';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { evictPod } from '../pod-eviction';
import { defineKind } from '../resource-definition';
import type { ActionSubresource } from '../subresource';

export const EVICTIONS = defineKind<Eviction>({
  group: 'policy', version: 'v1', resource: 'evictions', singularName: 'eviction', kind: 'Eviction', listKind: 'EvictionList', namespaced: true,
  verbs: [],
  strategy: defaultStrategy<Eviction>({ topLevelFields: [...OBJECT_FIELDS, 'deleteOptions'], hasStatus: false }),
});

export const podEviction: ActionSubresource<Eviction> = {
  type: 'action',
  group: 'policy',
  version: 'v1',
  kind: 'Eviction',
  verbs: ['create'],
  body: EVICTIONS,
  perform: (registry, request) => evictPod(registry, { namespace: request.namespace, name: request.name, eviction: request.body, dryRun: request.dryRun, now: request.now }),
};
