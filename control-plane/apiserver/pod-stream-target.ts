/**
 * Which container of which node a `pods/log` or `pods/exec` request reaches, decided as the
 * apiserver's pod REST does (validateContainer, streamLocation): a named container must be
 * one of the pod's; no name picks the only container; a pod needs a node. Plus the kubelet's
 * refusal of logs from a container that has never started, told from the stored status.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/registry/core/pod/strategy.go
 */
import type { Container, ContainerStatus, Pod } from '../../api/core-v1';
import { badRequest } from '../../api/errors';

function names(containers: Container[] | undefined): string[] {
  return (containers ?? []).map((c) => c.name);
}

function hasContainer(pod: Pod, name: string): boolean {
  return [...names(pod.spec.containers), ...names(pod.spec.initContainers)].includes(name);
}

/** The container name the request means; `requested` empty only works for a one-container pod. */
export function containerFor(pod: Pod, requested: string): string {
  const podName = pod.metadata.name ?? '';
  if (requested !== '') {
    if (!hasContainer(pod, requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
    return requested;
  }
  const containers = names(pod.spec.containers);
  if (containers.length === 1) return containers[0];
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
  const init = names(pod.spec.initContainers);
  const initPart = init.length > 0 ? ` or one of the init containers: [${init.join(' ')}]` : '';
  throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]${initPart}`);
}

/** The node running the pod; a pod not scheduled yet has no container to reach. */
export function nodeOf(pod: Pod): string {
  const node = pod.spec.nodeName;
  if (!node) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  return node;
}

function statusOf(pod: Pod, container: string): ContainerStatus | undefined {
  const all = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return all.find((s) => s.name === container);
}

/** The kubelet's words for a container that is waiting to start and has never run. */
function waitingMessage(reason: string | undefined): string {
  if (reason === 'ErrImagePull') return "image can't be pulled";
  if (reason === 'ImagePullBackOff') return 'trying and failing to pull image';
  return reason ?? 'ContainerCreating';
}

/**
 * Refuses, as the kubelet does, the current log of a container that is waiting and never ran
 * (`container "c" in pod "p" is waiting to start: …`). Anything the status does not settle
 * (a previous instance, a status not reported yet) is left to the agent, which asks Docker.
 */
export function checkLogsAvailable(pod: Pod, container: string, previous: boolean): void {
  const status = statusOf(pod, container);
  const waiting = status?.state?.waiting;
  if (previous || !status || !waiting || status.containerID || status.lastState?.terminated) return;
  throw badRequest(`container "${container}" in pod "${pod.metadata.name ?? ''}" is waiting to start: ${waitingMessage(waiting.reason)}`);
}
