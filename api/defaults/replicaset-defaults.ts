/**
 * ReplicaSet defaults, as SetDefaults_ReplicaSet (pkg/apis/apps/v1/defaults.go, 1.32): replicas 1;
 * the template gets the pod-spec defaults, and an absent one is defaulted as the empty template
 * it decodes to in Go (validation then refuses it for having no containers). Returns a copy.
 */
import type { ReplicaSet, ReplicaSetSpec } from '../apps-v1';
import { defaultPodTemplateSpec } from './pod-defaults';

export function defaultReplicaSet(replicaSet: ReplicaSet): ReplicaSet {
  const out = structuredClone(replicaSet);
  const spec: ReplicaSetSpec = (out.spec ??= {} as ReplicaSetSpec);
  spec.replicas ??= 1;
  spec.template = defaultPodTemplateSpec(spec.template);
  return out;
}
