/**
 * The pod's volumes as a hook: every volume set up before anything of the pod is made (as the
 * kubelet mounts them all first), on every pass (set-up is idempotent); torn down once the
 * pod's containers are gone. A failure announces FailedMount and the containers not created
 * yet wait in ContainerCreating, as the kubelet's do while its volume manager waits for the
 * mounts (no message on the container: the event says why); the set-up is tried again
 * shortly, and at once when a ConfigMap or Secret the pod uses arrives (the feed wakes it).
 */
import type { Pod } from '../../api/core-v1';
import type { PodVolumes } from '../volumes/pod-volumes';
import type { PodEventLog } from './pod-event-log';
import { containerEvents } from './pod-events';
import type { PodSetUpHook, PodTearDownHook, SetUpContext, SetUpResult } from './pod-hooks';

/** Volume set-up failures are retried at this pace (the kubelet retries mounts every few seconds). */
export const VOLUME_RETRY_MS = 5_000;
/** FailedMount is said again at most this often. */
const FAILED_MOUNT_WINDOW_MS = 60_000;

export class VolumesHook implements PodSetUpHook, PodTearDownHook {
  readonly name = 'volumes';

  /** `volumes` absent: this node has no state directory, and pods with volumes cannot run. */
  constructor(private readonly volumes: PodVolumes | undefined, private readonly events: PodEventLog) {}

  async setUp(pod: Pod, ctx: SetUpContext, signal: AbortSignal): Promise<SetUpResult> {
    if (!pod.spec.volumes?.length) return { ok: true };
    const result = this.volumes
      ? await this.volumes.setUp(pod, signal)
      : { ok: false as const, volume: pod.spec.volumes[0].name, message: 'this node has no state directory for volumes' };
    if (result.ok) {
      for (const stale of result.stale) this.events.container(pod, '', containerEvents.failedMount(stale.volume, stale.message), FAILED_MOUNT_WINDOW_MS);
      ctx.resources.volumePaths = result.paths;
      return { ok: true };
    }
    this.events.container(pod, '', containerEvents.failedMount(result.volume, result.message), FAILED_MOUNT_WINDOW_MS);
    const waiting = { reason: 'ContainerCreating' };
    return { ok: false, waiting, shownOn: 'uncreated', retryAfterMs: VOLUME_RETRY_MS };
  }

  /** Throws while a tmpfs stays mounted: nothing that may still be mounted is removed. */
  async tearDown(podUid: string, signal: AbortSignal): Promise<void> {
    await this.volumes?.tearDown(podUid, signal);
  }
}
