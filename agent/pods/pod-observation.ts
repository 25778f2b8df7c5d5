/**
 * What the runtime holds for one pod, read fresh on every sync (level-triggered): its pause
 * container and, per Kubernetes container name, the latest attempt and the one before it.
 * Inspections of exited containers are cached (their details are final); live ones are
 * inspected on every pass, because Docker's listing can lag behind its own `die` event.
 * Image ids are cached per image.
 */
import type { ContainerDetails, ContainerRuntime, ContainerSummary } from '../runtime/container-runtime';
import { identityOf, podFilter, type ContainerIdentity } from './docker-labels';

export interface AttemptSummary extends ContainerSummary {
  identity: ContainerIdentity;
}

export interface ObservedAttempts {
  current?: ContainerDetails;
  previous?: ContainerDetails;
  /** Every attempt found, newest first. */
  attempts: AttemptSummary[];
}

export interface PodObservation {
  /** Every container of the pod, sandboxes included. */
  all: AttemptSummary[];
  /** The newest pause container. */
  sandbox?: ContainerDetails;
  /** Pause containers, newest first. */
  sandboxes: AttemptSummary[];
  /** By Kubernetes container name. */
  containers: Map<string, ObservedAttempts>;
}

const newestFirst = (a: AttemptSummary, b: AttemptSummary): number => b.identity.restartCount - a.identity.restartCount;

export class PodObserver {
  private readonly details = new Map<string, ContainerDetails>();
  private readonly imageIds = new Map<string, string>();

  constructor(private readonly runtime: ContainerRuntime, private readonly podUid: string) {}

  async observe(signal: AbortSignal): Promise<PodObservation> {
    const all = (await this.runtime.listContainers(podFilter(this.podUid), signal))
      .map((c) => ({ ...c, identity: identityOf(c.labels) }))
      .filter((c): c is AttemptSummary => c.identity !== undefined && c.identity.podUid === this.podUid)
      .sort(newestFirst);
    const sandboxes = all.filter((c) => c.identity.kind === 'podsandbox');
    const containers = new Map<string, ObservedAttempts>();
    for (const c of all.filter((c) => c.identity.kind === 'container')) {
      const entry = containers.get(c.identity.containerName) ?? { attempts: [] };
      entry.attempts.push(c);
      containers.set(c.identity.containerName, entry);
    }
    for (const entry of containers.values()) {
      entry.current = await this.inspect(entry.attempts[0], signal);
      entry.previous = await this.inspect(entry.attempts[1], signal);
    }
    this.forgetAllBut(all);
    return { all, sandbox: await this.inspect(sandboxes[0], signal), sandboxes, containers };
  }

  private async inspect(c: ContainerSummary | undefined, signal: AbortSignal): Promise<ContainerDetails | undefined> {
    if (!c) return undefined;
    const cached = this.details.get(c.id);
    if (cached) return cached;
    const details = await this.runtime.inspectContainer(c.id, signal);
    if (details) {
      if (details.status === 'exited' || details.status === 'dead') this.details.set(c.id, details);
      await this.resolveImageId(details.imageId, signal);
    }
    return details;
  }

  private forgetAllBut(all: ContainerSummary[]): void {
    const live = new Set(all.map((c) => c.id));
    for (const id of this.details.keys()) if (!live.has(id)) this.details.delete(id);
  }

  /** Kubernetes' imageID: `docker-pullable://<repo digest>` for pulled images, else `docker://<id>`. */
  private async resolveImageId(imageId: string, signal: AbortSignal): Promise<void> {
    if (this.imageIds.has(imageId)) return;
    const image = await this.runtime.inspectImage(imageId, signal);
    this.imageIds.set(imageId, image?.repoDigests[0] ? `docker-pullable://${image.repoDigests[0]}` : `docker://${imageId}`);
  }

  imageIdOf(details: ContainerDetails): string {
    return this.imageIds.get(details.imageId) ?? `docker://${details.imageId}`;
  }
}
