/** Raw (undefaulted) workload objects for tests, as a user would POST them. */
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../../../api/apps-v1';
import type { CronJob, Job } from '../../../api/batch-v1';
import type { Pod, PodPhase, PodTemplateSpec } from '../../../api/core-v1';
import type { PodDisruptionBudget } from '../../../api/policy-v1';

const LABELS = { app: 'web' };

export function aTemplate(labels: Record<string, string> = LABELS, restartPolicy?: 'Always' | 'OnFailure' | 'Never'): PodTemplateSpec {
  return { metadata: { labels: { ...labels } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...(restartPolicy ? { restartPolicy } : {}) } };
}

const meta = (name: string) => ({ name, namespace: 'default' });

export function aDeployment(spec: Partial<Deployment['spec']> = {}): Deployment {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { selector: { matchLabels: { ...LABELS } }, template: aTemplate(), ...spec } };
}

export function aReplicaSet(spec: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-5d4f8'), spec: { selector: { matchLabels: { ...LABELS } }, template: aTemplate(), ...spec } };
}

export function aDaemonSet(spec: Partial<DaemonSet['spec']> = {}): DaemonSet {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('agent'), spec: { selector: { matchLabels: { ...LABELS } }, template: aTemplate(), ...spec } };
}

export function aStatefulSet(spec: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'), spec: { selector: { matchLabels: { ...LABELS } }, template: aTemplate(), serviceName: 'db', ...spec } };
}

export function aJob(spec: Partial<Job['spec']> = {}): Job {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...meta('pi'), uid: 'uid-1' }, spec: { template: aTemplate({}, 'Never'), ...spec } };
}

export function aCronJob(spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('hello'),
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: aTemplate({}, 'OnFailure') } }, ...spec },
  };
}

export function aPdb(spec: PodDisruptionBudget['spec'] = {}): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web'), spec: { selector: { matchLabels: { ...LABELS } }, ...spec } };
}

/** A pod with the fields the controllers' helpers read. */
export function aPodWith(name: string, patch: { nodeName?: string; phase?: PodPhase; ready?: boolean; readySince?: string; restarts?: number; created?: string; annotations?: Record<string, string> } = {}): Pod {
  const conditions = patch.ready === undefined ? [] : [{ type: 'Ready', status: patch.ready ? 'True' as const : 'False' as const, lastTransitionTime: patch.readySince }];
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: patch.created, annotations: patch.annotations },
    spec: { containers: [{ name: 'c' }], nodeName: patch.nodeName },
    status: { phase: patch.phase, conditions, containerStatuses: [{ name: 'c', ready: patch.ready ?? false, restartCount: patch.restarts ?? 0, image: '', imageID: '' }] },
  };
}
