/**
 * StatefulSet defaults, as SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go, 1.32, with the
 * StatefulSetAutoDeletePVC gate on as it is by default): podManagementPolicy OrderedReady,
 * updateStrategy RollingUpdate with partition 0, persistentVolumeClaimRetentionPolicy
 * Retain/Retain, replicas 1, revisionHistoryLimit 10. The pod template gets the pod-spec
 * defaults and each volumeClaimTemplate the claim defaults (volumeMode Filesystem, status
 * phase Pending), as the generated defaulters walk into them. Returns a defaulted copy.
 */
import type { StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy } from '../apps-v1';
import { DEFAULT_REVISION_HISTORY_LIMIT } from './deployment-defaults';
import { defaultPersistentVolumeClaim } from './persistentvolumeclaim-defaults';
import { defaultPodTemplateSpec } from './pod-defaults';

export function defaultStatefulSet(statefulSet: StatefulSet): StatefulSet {
  const out = structuredClone(statefulSet);
  const spec: StatefulSetSpec = (out.spec ??= {} as StatefulSetSpec);
  spec.podManagementPolicy ||= 'OrderedReady';
  spec.updateStrategy = defaultUpdateStrategy(spec.updateStrategy ?? {});
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.template = defaultPodTemplateSpec(spec.template);
  for (const claim of spec.volumeClaimTemplates ?? []) defaultPersistentVolumeClaim(claim);
  return out;
}

/** rollingUpdate is only created when the type itself was defaulted, as Kubernetes does. */
function defaultUpdateStrategy(strategy: StatefulSetUpdateStrategy): StatefulSetUpdateStrategy {
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
  return strategy;
}
