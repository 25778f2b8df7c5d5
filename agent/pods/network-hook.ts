/**
 * The pod network as a hook: a new sandbox joins the node's pod network (SandboxNetwork).
 * Until it is ready a pod that needs a new sandbox waits (ContainerCreating) and looks again
 * shortly, so no pod ever gets an address on Docker's default bridge; a pod whose sandbox
 * runs is not held up, and hostNetwork pods never wait. Nothing to tear down: the sandbox
 * leaves the network when it is removed.
 */
import type { Pod } from '../../api/core-v1';
import { createsSandbox } from './pod-actions';
import type { PodSetUpHook, SetUpContext, SetUpResult } from './pod-hooks';
import type { SandboxNetwork } from './sandbox-network';

/** A pod waiting for the node's pod network looks again at this pace. */
export const NETWORK_RETRY_MS = 1_000;

export class NetworkHook implements PodSetUpHook {
  readonly name = 'network';

  /** `network` absent: sandboxes join Docker's default bridge. */
  constructor(private readonly network: SandboxNetwork | undefined) {}

  async setUp(pod: Pod, ctx: SetUpContext): Promise<SetUpResult> {
    if (!this.network || pod.spec.hostNetwork || !createsSandbox(ctx.plan)) return { ok: true };
    const name = this.network.networkName();
    if (name === undefined) return { ok: false, waiting: { reason: 'ContainerCreating', message: this.network.notReadyReason() }, shownOn: 'unstarted', retryAfterMs: NETWORK_RETRY_MS };
    ctx.resources.networkName = name;
    return { ok: true };
  }
}
