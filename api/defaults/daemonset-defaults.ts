/**
 * DaemonSet defaults, as SetDefaults_DaemonSet (pkg/apis/apps/v1/defaults.go, 1.32): updateStrategy
 * RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10; the pod template
 * gets the pod-spec defaults. Returns a defaulted copy.
 */
import type { DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy } from '../apps-v1';
import { DEFAULT_REVISION_HISTORY_LIMIT } from './deployment-defaults';
import { defaultPodTemplateSpec } from './pod-defaults';

export function defaultDaemonSet(daemonSet: DaemonSet): DaemonSet {
  const out = structuredClone(daemonSet);
  const spec: DaemonSetSpec = (out.spec ??= {} as DaemonSetSpec);
  spec.updateStrategy = defaultUpdateStrategy(spec.updateStrategy ?? {});
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.template = defaultPodTemplateSpec(spec.template);
  return out;
}

function defaultUpdateStrategy(strategy: DaemonSetUpdateStrategy): DaemonSetUpdateStrategy {
  strategy.type ||= 'RollingUpdate';
  if (strategy.type !== 'RollingUpdate') return strategy;
  const rollingUpdate = (strategy.rollingUpdate ??= {});
  rollingUpdate.maxUnavailable ??= 1;
  rollingUpdate.maxSurge ??= 0;
  return strategy;
}
