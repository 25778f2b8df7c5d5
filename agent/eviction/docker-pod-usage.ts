/**
 * What a pod uses, measured through Docker as cAdvisor measures it for the kubelet's eviction
 * manager: a container's memory working set is its cgroup's usage less its inactive file
 * cache (Docker's one-shot stats: `memory_stats.usage` − `inactive_file`, or
 * `total_inactive_file` on cgroup v1); its disk use is its writable layer (`SizeRw`). The
 * pod's own disk use (its disk-backed emptyDirs) comes from `podLevelDiskBytes`. The pause
 * container is left out. Container logs are not counted (the kubelet counts them).
 */
import type Docker from 'dockerode';
import type { Pod } from '../../api/core-v1';
import { identityOf, podFilter } from '../pods/docker-labels';
import type { PodUsage, ReclaimResource } from './eviction-ranking';
import type { PodUsageSource } from './eviction-manager';

interface MemoryStats {
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/** The working set from Docker's stats; undefined when Docker gives no usage (no memory cgroup). */
export function workingSetBytes(stats: MemoryStats): number | undefined {
  const usage = stats.memory_stats?.usage;
  if (usage === undefined) return undefined;
  const inner = stats.memory_stats?.stats ?? {};
  const inactive = inner.inactive_file ?? inner.total_inactive_file ?? 0;
  return Math.max(0, usage - inactive);
}

export class DockerPodUsage implements PodUsageSource {
  constructor(private readonly docker: Docker, private readonly podLevelDiskBytes: (pod: Pod, signal: AbortSignal) => Promise<number>) {}

  async usage(pod: Pod, resource: ReclaimResource, signal: AbortSignal): Promise<PodUsage> {
    try {
      return resource === 'memory' ? await this.memory(pod, signal) : await this.disk(pod, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return { pod, containers: undefined, podLevelBytes: 0 };
    }
  }

  private async running(pod: Pod, size: boolean, signal: AbortSignal): Promise<Docker.ContainerInfo[]> {
    const filters = { label: podFilter(pod.metadata.uid ?? ''), status: ['running'] };
    const list = await this.docker.listContainers({ filters, size, abortSignal: signal });
    return list.filter((c) => identityOf(c.Labels)?.kind === 'container');
  }

  private async memory(pod: Pod, signal: AbortSignal): Promise<PodUsage> {
    const containers = new Map<string, number>();
    for (const c of await this.running(pod, false, signal)) {
      // dockerode passes these as query parameters; its typings do not list one-shot.
      const stats = (await this.docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true, abortSignal: signal } as { stream: false })) as MemoryStats;
      const bytes = workingSetBytes(stats);
      const name = identityOf(c.Labels)?.containerName;
      if (bytes === undefined) return { pod, containers: undefined, podLevelBytes: 0 };
      if (name) containers.set(name, bytes);
    }
    return { pod, containers, podLevelBytes: 0 };
  }

  private async disk(pod: Pod, signal: AbortSignal): Promise<PodUsage> {
    const containers = new Map<string, number>();
    for (const c of await this.running(pod, true, signal)) {
      const name = identityOf(c.Labels)?.containerName;
      // Listed with size=true, Docker adds SizeRw; dockerode's typings do not say so.
      if (name) containers.set(name, (c as { SizeRw?: number }).SizeRw ?? 0);
    }
    return { pod, containers, podLevelBytes: await this.podLevelDiskBytes(pod, signal) };
  }
}
