/**
 * What the Job controller reads off and writes onto its pods (pkg/controller/job, 1.32): the
 * tracking finalizer, the completion index, whether a pod counts as failed, when it finished,
 * and the pod a Job creates from its template.
 */
import type { Job } from '../../api/batch-v1';
import { JOB_COMPLETION_INDEX_ANNOTATION } from '../../api/batch-v1';
import type { Container, Pod, PodTemplateSpec } from '../../api/core-v1';
import { controllerReference } from './framework/owner-references';

/** Kept on every pod until the Job has counted it (batch.kubernetes.io/job-tracking). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** The index of a pod without a valid one. */
export const UNKNOWN_INDEX = -1;

export function hasTrackingFinalizer(pod: Pod): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

export function isIndexedJob(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}

/** getCompletionIndex: the annotation as a non-negative integer, else UNKNOWN_INDEX. */
export function completionIndexOf(pod: Pod): number {
  const text = pod.metadata.annotations?.[JOB_COMPLETION_INDEX_ANNOTATION];
  if (text === undefined || !/^\d+$/.test(text)) return UNKNOWN_INDEX;
  const index = Number(text);
  return Number.isSafeInteger(index) ? index : UNKNOWN_INDEX;
}

/** Pods whose index an Indexed Job counts: a valid index below completions. Every pod of a NonIndexed Job. */
export function hasValidIndex(job: Job, pod: Pod): boolean {
  if (!isIndexedJob(job)) return true;
  const index = completionIndexOf(pod);
  return index !== UNKNOWN_INDEX && index < (job.spec.completions ?? 0);
}

/** onlyReplaceFailedPods: podReplacementPolicy Failed, or any podFailurePolicy. */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || job.spec.podFailurePolicy !== undefined;
}

/**
 * isPodFailed: phase Failed; or, when terminating pods are replaced at once, a pod being
 * deleted that did not succeed (an orphan may never reach a phase).
 */
export function isPodFailed(pod: Pod, job: Job): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Succeeded';
}

/** controller.IsPodTerminating: being deleted and not in a terminal phase. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Succeeded' && phase !== 'Failed';
}

/** getFinishedTime: the last container's finish, else the deletion or creation time. */
export function finishedTimeOf(pod: Pod): number {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const finishes = statuses.map((s) => Date.parse(s.state?.terminated?.finishedAt ?? '')).filter((t) => Number.isFinite(t));
  if (finishes.length > 0) return Math.max(...finishes);
  const fallback = Date.parse(pod.metadata.deletionTimestamp ?? pod.metadata.creationTimestamp ?? '');
  return Number.isFinite(fallback) ? fallback : 0;
}

/**
 * The pod a Job creates (manageJob): the template with the tracking finalizer and the Job as
 * its blocking controller, named `<job>-<random>`; for an Indexed Job `<job>-<index>-<random>`
 * with the index as annotation and label, hostname `<job>-<index>`, and JOB_COMPLETION_INDEX
 * in every container read through the downward API from that label (PodIndexLabel, GA in 1.32).
 */
export function podForJob(job: Job, index: number | undefined): Pod {
  const template: PodTemplateSpec = structuredClone(job.spec.template);
  const meta = template.metadata ?? {};
  const spec = template.spec ?? { containers: [] };
  const finalizers = [...(meta.finalizers ?? [])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${job.metadata.name ?? ''}-`,
      namespace: job.metadata.namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      finalizers,
      ownerReferences: [controllerReference(job)],
    },
    spec,
  };
  return index === undefined ? pod : withCompletionIndex(pod, job, index);
}

/** MaxGeneratedNameLength: 63 less the 5 random characters. */
const MAX_GENERATED_NAME_LENGTH = 58;

function withCompletionIndex(pod: Pod, job: Job, index: number): Pod {
  const name = job.metadata.name ?? '';
  const suffix = `-${index}-`;
  const prefix = name.length + suffix.length > MAX_GENERATED_NAME_LENGTH ? name.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) : name;
  pod.metadata.generateName = `${prefix}${suffix}`;
  pod.metadata.annotations = { ...pod.metadata.annotations, [JOB_COMPLETION_INDEX_ANNOTATION]: String(index) };
  pod.metadata.labels = { ...pod.metadata.labels, [JOB_COMPLETION_INDEX_ANNOTATION]: String(index) };
  pod.spec.hostname = `${name}-${index}`;
  pod.spec.containers = pod.spec.containers.map(withIndexEnv);
  if (pod.spec.initContainers) pod.spec.initContainers = pod.spec.initContainers.map(withIndexEnv);
  return pod;
}

/** addCompletionIndexEnvVariable: appended unless the container sets it itself. */
function withIndexEnv(container: Container): Container {
  if ((container.env ?? []).some((v) => v.name === JOB_COMPLETION_INDEX_ENV)) return container;
  const fieldPath = `metadata.labels['${JOB_COMPLETION_INDEX_ANNOTATION}']`;
  return { ...container, env: [...(container.env ?? []), { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath } } }] };
}
