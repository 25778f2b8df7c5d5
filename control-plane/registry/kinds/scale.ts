/**
 * autoscaling/v1 Scale: the body of the `scale` subresource (`kubectl scale`) of the kinds with
 * replicas, as Kubernetes' ScaleREST of ReplicaSets, Deployments and StatefulSets: the parent
 * read as a Scale (name, uid, resourceVersion, creation time, `spec.replicas`,
 * `status.replicas`, the selector in string form); a written Scale sets `spec.replicas` only.
 * A Scale is never stored, so its definition is in no list of served kinds.
 */
import type { Scale } from '../../../api/autoscaling-v1';
import { formatLabelSelector, selectorFromLabelSelector } from '../../../api/label-selector';
import type { KubeObject, LabelSelector } from '../../../api/meta';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ScaleSubresource } from '../subresource';

export const SCALES = defineKind<Scale>({
  group: 'autoscaling', version: 'v1', resource: 'scale', singularName: 'scale', kind: 'Scale', listKind: 'ScaleList', namespaced: true,
  verbs: [],
  strategy: defaultStrategy<Scale>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: false }),
});

/** The shape every scalable kind shares. */
export interface Replicated extends KubeObject {
  spec: { replicas?: number; selector?: LabelSelector };
  status?: { replicas?: number };
}

/** A kind's Scale, as scaleFromReplicaSet (pkg/registry/apps/replicaset/storage) builds it. */
export function scaleOf(parent: Replicated): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = parent.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: parent.spec.replicas ?? 0 },
    status: { replicas: parent.status?.replicas ?? 0, selector: formatLabelSelector(selectorFromLabelSelector(parent.spec.selector)) },
  };
}

/** The `scale` subresource of a kind with `spec.replicas`, `spec.selector` and `status.replicas`. */
export function replicasScale<T extends Replicated>(): ScaleSubresource<T> {
  return {
    type: 'scale',
    kind: 'Scale',
    group: 'autoscaling',
    version: 'v1',
    verbs: ['get', 'patch', 'update'],
    body: SCALES,
    read: scaleOf,
    withReplicas: (parent, replicas) => {
      parent.spec.replicas = replicas;
      return parent;
    },
  };
}
