/**
 * The pod cgroup as a hook: made (with the pod's limits) before the first sandbox or
 * container this worker creates, and kept for the worker's life; without pod cgroups the
 * containers go right under the node's cgroup root. Torn down once the containers are gone.
 */
import type { Pod } from '../../api/core-v1';
import type { PodCgroups } from '../cgroups/pod-cgroups';
import { createsSandbox, startsContainers } from './pod-actions';
import type { PodSetUpHook, PodTearDownHook, SetUpContext, SetUpResult } from './pod-hooks';

export class CgroupHook implements PodSetUpHook, PodTearDownHook {
  readonly name = 'cgroup';
  private podCgroup: string | undefined;

  /** `podCgroups` absent: containers get `cgroupRoot` as their CgroupParent. */
  constructor(private readonly podCgroups: PodCgroups | undefined, private readonly cgroupRoot: string, private readonly log: (message: string) => void, private readonly describe: () => string) {}

  /** Ensured only when the plan makes something (an adopted pod's cgroup is left as it is). */
  async setUp(pod: Pod, ctx: SetUpContext): Promise<SetUpResult> {
    if (!this.podCgroups) ctx.resources.cgroupParent = this.cgroupRoot;
    else if (this.podCgroup !== undefined || createsSandbox(ctx.plan) || startsContainers(ctx.plan)) ctx.resources.cgroupParent = this.podCgroup ??= await this.podCgroups.ensure(pod);
    return { ok: true };
  }

  /**
   * Never fails the pod's teardown: a cgroup still busy (Docker cleaning up) or failing to go
   * is logged, and removed at a later resync of the manager, which removes every pod cgroup
   * left without a pod.
   */
  async tearDown(podUid: string): Promise<void> {
    await this.podCgroups?.remove(podUid).catch((err: unknown) => this.log(`pod cgroup of ${this.describe()}: ${err instanceof Error ? err.message : String(err)}`));
  }
}
