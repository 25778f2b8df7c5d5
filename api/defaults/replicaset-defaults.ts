/**
 * ReplicaSet defaults, as SetDefaults_ReplicaSet (pkg/apis/apps/v1/defaults.go, 1.32): replicas 1;
 * a template, when there is one, gets the pod-spec defaults. Returns a defaulted copy.
 */
import type { ReplicaSet, ReplicaSetSpec } from '../apps-v1';
import { defaultPodTemplateSpec } from './pod-defaults';

export function defaultReplicaSet(replicaSet: ReplicaSet): ReplicaSet {
  const out = structuredClone(replicaSet);
  const spec: ReplicaSetSpec = (out.spec ??= {} as ReplicaSetSpec);
  spec.replicas ??= 1;
  if (spec.template) spec.template = defaultPodTemplateSpec(spec.template);
  return out;
}
