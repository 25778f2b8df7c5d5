/**
 * Samples the running app containers of the node's pods (the pause containers are no pod's
 * containers in the Metrics API, as with the kubelet): listed from the runtime by the agent's
 * labels, each new container inspected once for its main process (its cgroups, from
 * /proc/<pid>/cgroup, under any cgroup driver) and its start time, then read from its cgroups.
 */
import { readFileSync } from 'node:fs';
import type { CgroupFiles } from '../cgroups/cgroup-files';
import type { CgroupLayout } from '../cgroups/cgroup-layout';
import { identityOf, MANAGED_FILTER } from '../pods/docker-labels';
import type { ContainerRuntime, ContainerSummary } from '../runtime/container-runtime';
import { parseProcCgroup, readCgroupUsage, type ProcessCgroups } from './cgroup-usage';
import type { ContainerSample } from './usage-tracker';

interface KnownContainer {
  cgroups: ProcessCgroups;
  startedAtMs: number;
}

export interface ContainerUsageSourceOptions {
  runtime: Pick<ContainerRuntime, 'listContainers' | 'inspectContainer'>;
  files: CgroupFiles;
  layout: CgroupLayout;
  /** /proc/<pid>/cgroup's text; throws when the process is gone. */
  procCgroup?: (pid: number) => string;
}

export class ContainerUsageSource {
  /** By container id; containers no longer listed are forgotten at each sample. */
  private readonly known = new Map<string, KnownContainer>();
  private readonly procCgroup: (pid: number) => string;

  constructor(private readonly opts: ContainerUsageSourceOptions) {
    this.procCgroup = opts.procCgroup ?? ((pid) => readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
  }

  async sample(signal: AbortSignal): Promise<ContainerSample[]> {
    const running = (await this.opts.runtime.listContainers([MANAGED_FILTER], signal)).filter((c) => c.status === 'running');
    for (const id of this.known.keys()) if (!running.some((c) => c.id === id)) this.known.delete(id);
    const samples: ContainerSample[] = [];
    for (const container of running) {
      const sample = await this.sampleOne(container, signal);
      if (sample) samples.push(sample);
    }
    return samples;
  }

  private async sampleOne(container: ContainerSummary, signal: AbortSignal): Promise<ContainerSample | undefined> {
    const id = identityOf(container.labels);
    if (!id || id.kind !== 'container') return undefined;
    const known = this.known.get(container.id) ?? (await this.learn(container.id, signal));
    const usage = known && readCgroupUsage(this.opts.files, this.opts.layout, known.cgroups);
    if (!known || !usage) return undefined;
    return { id: container.id, pod: { namespace: id.podNamespace, name: id.podName, uid: id.podUid }, name: id.containerName, startedAtMs: known.startedAtMs, usage };
  }

  /** Inspects a container first seen; undefined (tried again next time) while it has no process. */
  private async learn(containerId: string, signal: AbortSignal): Promise<KnownContainer | undefined> {
    const details = await this.opts.runtime.inspectContainer(containerId, signal);
    const startedAtMs = Date.parse(details?.startedAt ?? '');
    if (!details?.running || details.pid === undefined || details.pid <= 0 || !Number.isFinite(startedAtMs)) return undefined;
    let cgroups: ProcessCgroups;
    try {
      cgroups = parseProcCgroup(this.procCgroup(details.pid));
    } catch {
      return undefined;
    }
    const known = { cgroups, startedAtMs };
    this.known.set(containerId, known);
    return known;
  }
}
