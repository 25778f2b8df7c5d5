/**
 * The pod's probes as a hook: after each pass they follow exactly the running containers;
 * once the pod is torn down its probe workers and results are dropped.
 */
import type { Pod } from '../../api/core-v1';
import type { PodSyncedHook, PodTearDownHook } from './pod-hooks';
import type { PodProbes, RunningContainer } from './pod-probes';

export class ProbesHook implements PodSyncedHook, PodTearDownHook {
  readonly name = 'probes';

  constructor(private readonly probes: PodProbes) {}

  synced(pod: Pod, running: RunningContainer[], podIP: string | undefined): void {
    this.probes.sync(pod, running, podIP);
  }

  async tearDown(podUid: string): Promise<void> {
    this.probes.forgetPod(podUid);
  }
}
