/** A PodReporter that keeps each pod's last reported status (by pod name) and every event, for agent tests on a real dockerd. */
import type { Pod, PodStatus } from '../../api/core-v1';
import type { PodEvent } from '../../agent/pods/pod-events';
import type { PodReporter } from '../../agent/pods/pod-sink';

export class RecordingPodReporter implements PodReporter {
  readonly last = new Map<string, PodStatus>();
  readonly events: { pod: string; event: PodEvent }[] = [];
  reportStatus(pod: Pod, status: PodStatus): void {
    this.last.set(pod.metadata.name ?? '', structuredClone(status));
  }
  reportTerminated(): void {
    // not these suites' concern
  }
  reportEvent(pod: Pod, event: PodEvent): void {
    this.events.push({ pod: pod.metadata.name ?? '', event });
  }
  /** A pod's events as `type reason message` lines. */
  eventsOf(pod: string): string[] {
    return this.events.filter((e) => e.pod === pod).map((e) => `${e.event.type} ${e.event.reason} ${e.event.message}`);
  }
}
