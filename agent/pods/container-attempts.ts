/**
 * A pod's instances of one Kubernetes container, found in the runtime by label: the current
 * attempt and the one before it, which is what `kubectl logs --previous` reads. The pod worker
 * keeps exactly these two of each container until the next restart (its garbage collection).
 */
import type { ContainerRuntime, ContainerStatusName } from '../runtime/container-runtime';
import { identityOf, podFilter } from './docker-labels';

export interface ContainerAttempt {
  id: string;
  restartCount: number;
  status: ContainerStatusName;
}

export interface ContainerAttempts {
  current?: ContainerAttempt;
  previous?: ContainerAttempt;
}

export async function findContainerAttempts(
  runtime: Pick<ContainerRuntime, 'listContainers'>, podUid: string, containerName: string, signal: AbortSignal,
): Promise<ContainerAttempts> {
  const attempts: ContainerAttempt[] = [];
  for (const c of await runtime.listContainers(podFilter(podUid), signal)) {
    const id = identityOf(c.labels);
    if (id?.kind !== 'container' || id.podUid !== podUid || id.containerName !== containerName) continue;
    attempts.push({ id: c.id, restartCount: id.restartCount, status: c.status });
  }
  attempts.sort((a, b) => b.restartCount - a.restartCount);
  return { current: attempts[0], previous: attempts[1] };
}
