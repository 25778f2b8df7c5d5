/**
 * The labels and names that make the agent's containers re-adoptable after its own restart:
 * everything needed to rebuild the pod → containers map (and restart counts) from Docker alone.
 * Keys follow dockershim's (`io.kubernetes.*`), so `docker ps --filter` habits carry over.
 */

import { atMostOneReason } from '../../api/at-most-one';
import type { Pod } from '../../api/core-v1';

/** Marks containers this agent manages; the filter for listings and events. */
export const MANAGED_LABEL = 'io.pikube.managed';
export const MANAGED_FILTER = `${MANAGED_LABEL}=true`;

const POD_UID = 'io.kubernetes.pod.uid';
const POD_NAME = 'io.kubernetes.pod.name';
const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
const CONTAINER_NAME = 'io.kubernetes.container.name';
const KIND = 'io.kubernetes.docker.type';
const RESTART_COUNT = 'io.kubernetes.container.restartCount';
const HASH = 'io.kubernetes.container.hash';
const GRACE = 'io.kubernetes.pod.terminationGracePeriod';

/**
 * On every container of a pod that must not run twice (api/at-most-one.ts): an agent fencing
 * before it has adopted its containers (restarted while no control plane answers) finds them by it.
 */
export const AT_MOST_ONE_LABEL = 'io.pikube.at-most-one';
export const AT_MOST_ONE_FILTER = `${AT_MOST_ONE_LABEL}=true`;

/** The at-most-one label for a pod's containers, if it must not run twice. */
export function atMostOneLabels(pod: Pod): Record<string, string> {
  return atMostOneReason(pod) ? { [AT_MOST_ONE_LABEL]: 'true' } : {};
}

/** The pause container's container name, as dockershim spelled it. */
export const SANDBOX_NAME = 'POD';
/** On a pause container the agent attached itself (agent/network/veth-sandboxes.ts): the pod's address. */
export const POD_IP_LABEL = 'io.pikube.pod-ip';

export type ContainerKind = 'podsandbox' | 'container';

export interface ContainerIdentity {
  podUid: string;
  podName: string;
  podNamespace: string;
  /** The Kubernetes container name, or `POD` for the sandbox. */
  containerName: string;
  kind: ContainerKind;
  /** The attempt: restart count for app containers, sandbox generation for the pause container. */
  restartCount: number;
  /** Config hash of the Kubernetes container spec it was created from (app containers). */
  hash?: string;
  /** The pod's termination grace period when created: used to stop orphans gracefully. */
  gracePeriodSeconds: number;
}

/** DNS-1123 names, UUIDs: nothing else reaches a Docker name. */
const SAFE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function isSafeName(value: string): boolean {
  return value.length <= 253 && SAFE.test(value);
}

export function labelsFor(id: ContainerIdentity): Record<string, string> {
  const labels: Record<string, string> = {
    [MANAGED_LABEL]: 'true',
    [POD_UID]: id.podUid,
    [POD_NAME]: id.podName,
    [POD_NAMESPACE]: id.podNamespace,
    [CONTAINER_NAME]: id.containerName,
    [KIND]: id.kind,
    [RESTART_COUNT]: String(id.restartCount),
    [GRACE]: String(id.gracePeriodSeconds),
  };
  if (id.hash !== undefined) labels[HASH] = id.hash;
  return labels;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Reads an identity back; undefined for containers not ours or with damaged labels. */
export function identityOf(labels: Record<string, string>): ContainerIdentity | undefined {
  const kind = labels[KIND];
  const restartCount = count(labels[RESTART_COUNT]);
  if (labels[MANAGED_LABEL] !== 'true' || (kind !== 'podsandbox' && kind !== 'container') || restartCount === undefined) return undefined;
  const [podUid, podName, podNamespace, containerName] = [labels[POD_UID], labels[POD_NAME], labels[POD_NAMESPACE], labels[CONTAINER_NAME]];
  if (!podUid || !podName || !podNamespace || !containerName) return undefined;
  return { podUid, podName, podNamespace, containerName, kind, restartCount, hash: labels[HASH], gracePeriodSeconds: count(labels[GRACE]) ?? 30 };
}

/** Label filter selecting every container of one pod. */
export function podFilter(podUid: string): string[] {
  return [MANAGED_FILTER, `${POD_UID}=${podUid}`];
}

/** The label carrying the pod uid (events are routed by it). */
export function podUidOf(labels: Record<string, string>): string | undefined {
  return labels[MANAGED_LABEL] === 'true' ? labels[POD_UID] : undefined;
}

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, as dockershim named them. */
export function dockerName(id: ContainerIdentity): string {
  return ['k8s', id.containerName, id.podName, id.podNamespace, id.podUid, String(id.restartCount)].join('_');
}
