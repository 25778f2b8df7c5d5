/**
 * Deployment defaults, as SetDefaults_Deployment (pkg/apis/apps/v1/defaults.go, 1.32): replicas 1,
 * strategy RollingUpdate with maxUnavailable and maxSurge 25%, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600; the pod template gets the pod-spec defaults. Never overwrites a
 * value the user set; apply on create and on update, as Kubernetes defaults every decode.
 */
import type { Deployment, DeploymentSpec, DeploymentStrategy } from '../apps-v1';
import { defaultPodTemplateSpec } from './pod-defaults';

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Returns a defaulted copy. */
export function defaultDeployment(deployment: Deployment): Deployment {
  const out = structuredClone(deployment);
  const spec: DeploymentSpec = (out.spec ??= {} as DeploymentSpec);
  spec.replicas ??= 1;
  spec.strategy = defaultStrategy(spec.strategy ?? {});
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS;
  spec.template = defaultPodTemplateSpec(spec.template);
  return out;
}

/** Recreate keeps whatever rollingUpdate says (validation refuses it); RollingUpdate gets 25%/25%. */
function defaultStrategy(strategy: DeploymentStrategy): DeploymentStrategy {
  strategy.type ||= 'RollingUpdate';
  if (strategy.type !== 'RollingUpdate') return strategy;
  const rollingUpdate = (strategy.rollingUpdate ??= {});
  rollingUpdate.maxUnavailable ??= '25%';
  rollingUpdate.maxSurge ??= '25%';
  return strategy;
}
