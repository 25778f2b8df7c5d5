/**
 * A StatefulSet pod's identity (pkg/controller/statefulset stateful_set_utils.go, 1.32), without
 * I/O: the pod of ordinal N is `<set>-N`, its hostname is its name and its subdomain the set's
 * serviceName (so the headless Service's DNS answers `<set>-N.<service>.<ns>.svc…`), labelled
 * with its name, its index and the controller revision it was made from; each
 * volumeClaimTemplate becomes a volume on the claim `<template>-<set>-N`.
 */
import {
  CONTROLLER_REVISION_HASH_LABEL_KEY, POD_INDEX_LABEL, STATEFULSET_POD_NAME_LABEL, type StatefulSet,
} from '../../api/apps-v1';
import type { Pod, PodTemplateSpec, Volume } from '../../api/core-v1';
import { isPodAvailable, isPodReady } from '../../api/pod-readiness';
import { controllerReference } from './framework/owner-references';

const ORDINAL_SUFFIX = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: the set's name and the ordinal, or ordinal -1 when the name has no numeric suffix. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const match = ORDINAL_SUFFIX.exec(pod.metadata.name ?? '');
  if (!match) return { parent: '', ordinal: -1 };
  const ordinal = Number(match[2]);
  return Number.isSafeInteger(ordinal) && ordinal <= 0x7fffffff ? { parent: match[1] ?? '', ordinal } : { parent: '', ordinal: -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod).ordinal;
}

/** isMemberOf: the pod's name says it belongs to this set (a set claims no pod of another name). */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name ?? ''}-${ordinal}`;
}

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name ?? ''}-${ordinal}`;
}

/** podInOrdinalRange: [start, start + replicas). */
export function inOrdinalRange(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  return ordinal >= startOrdinal(set) && ordinal < startOrdinal(set) + (set.spec.replicas ?? 1);
}

export function podRevision(pod: Pod): string {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] ?? '';
}

/** The set as of a revision: its template replaced by the revision's (ApplyRevision). */
export function setWithTemplate(set: StatefulSet, template: PodTemplateSpec): StatefulSet {
  return { ...set, spec: { ...set.spec, template: structuredClone(template) } };
}

/** newStatefulSetPod plus setPodRevision: the template's pod with the identity and storage of `ordinal`. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const template = structuredClone(set.spec.template);
  const { labels, annotations, finalizers } = template.metadata ?? {};
  const name = podName(set, ordinal);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...labels, [CONTROLLER_REVISION_HASH_LABEL_KEY]: revision },
      ...(annotations ? { annotations } : {}),
      ...(finalizers ? { finalizers } : {}),
      ownerReferences: [controllerReference(set)],
    },
    spec: { ...template.spec, hostname: name, subdomain: set.spec.serviceName ?? '' },
  };
  return withStorage(set, withIdentity(set, pod));
}

/** updateIdentity: name, namespace and the pod-name and pod-index labels of the pod's ordinal. */
export function withIdentity(set: StatefulSet, pod: Pod): Pod {
  const ordinal = ordinalOf(pod);
  const name = podName(set, ordinal);
  const labels = { ...pod.metadata.labels, [STATEFULSET_POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) };
  return { ...pod, metadata: { ...pod.metadata, name, namespace: set.metadata.namespace, labels } };
}

/** updateStorage: a volume per claim template (replacing a template volume of that name), the others kept. */
export function withStorage(set: StatefulSet, pod: Pod): Pod {
  const ordinal = ordinalOf(pod);
  const templates = (set.spec.volumeClaimTemplates ?? []).map((t) => t.metadata.name ?? '');
  const claimVolumes: Volume[] = templates.map((t) => ({ name: t, persistentVolumeClaim: { claimName: claimName(set, t, ordinal) } }));
  const others = (pod.spec.volumes ?? []).filter((v) => !templates.includes(v.name));
  const volumes = [...claimVolumes, ...others];
  return { ...pod, spec: { ...pod.spec, ...(volumes.length > 0 ? { volumes } : {}) } };
}

/** identityMatches. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.name === podName(set, ordinal)
    && pod.metadata.namespace === set.metadata.namespace && pod.metadata.labels?.[STATEFULSET_POD_NAME_LABEL] === pod.metadata.name;
}

/** storageMatches: every claim template has its volume on the right claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  return (set.spec.volumeClaimTemplates ?? []).every((t) => {
    const volume = pod.spec.volumes?.find((v) => v.name === t.metadata.name);
    return volume?.persistentVolumeClaim?.claimName === claimName(set, t.metadata.name ?? '', ordinal);
  });
}

// ---- pod states, as the StatefulSet controller reads them ----

/** isCreated: the API server holds it (a pod made here but not yet created has no phase). */
export function isCreated(pod: Pod): boolean {
  return Boolean(pod.status?.phase);
}

export function isFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

export function isTerminating(pod: Pod): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  return isPodAvailable(pod, minReadySeconds, now);
}

/** isHealthy: running, ready and not terminating. */
export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}
