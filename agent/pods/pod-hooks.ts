/**
 * The steps around a pod's containers, as small hooks with one interface per phase (STYLE
 * rule 7), the way Nomad's alloc runner runs its prerun/postrun/destroy hooks:
 *
 * - set up (volumes, the pod network, resolv.conf, the pod cgroup), before each pass acts:
 *   in order, stopping at the first failure, which says what the waiting containers show;
 * - synced (probes), after each pass, with the containers that now run;
 * - tear down (probes, cgroup, volumes), once the pod's containers are removed: every hook
 *   runs even when one fails, and the failures are thrown together as an AggregateError.
 *
 * Hooks are made per pod worker and may keep what they made for its lifetime (the pod cgroup).
 * A hook throws only for what is unexpected: the pass fails and is retried with backoff.
 */
import type { Pod } from '../../api/core-v1';
import type { PodPlan } from './pod-actions';
import type { RunningContainer } from './pod-probes';
import type { WaitingReason } from './pod-status';

/** What the set-up hooks made ready for the pod's sandbox and containers. */
export interface PodResources {
  /** Host paths of the pod's volumes, by volume name. */
  volumePaths: Map<string, string>;
  /** The Docker network a new sandbox joins; undefined: Docker's default, or the host's. */
  networkName?: string;
  /** Host path of the pod's resolv.conf; undefined: Docker's own. */
  resolvConf?: string;
  /** The CgroupParent of the pod's containers; set whenever the plan makes one. */
  cgroupParent?: string;
}

export interface SetUpContext {
  /** The plan this pass executes: some steps are needed only when it makes a sandbox or a container. */
  plan: PodPlan;
  /** Filled in by the hooks, in order. */
  resources: PodResources;
}

/** Why the pod cannot go on yet, and what its containers show meanwhile. */
export interface SetUpFailure {
  ok: false;
  waiting: WaitingReason;
  /** The containers that show it: those not created yet, those not running, or all. */
  shownOn: 'uncreated' | 'unstarted' | 'all';
  /** Look again after this long; absent: the pass fails with `error` and is retried with backoff. */
  retryAfterMs?: number;
  error?: unknown;
}

export type SetUpResult = { ok: true } | SetUpFailure;

export interface PodSetUpHook {
  readonly name: string;
  /** Makes its part of the pod ready and records it in `ctx.resources`. Idempotent. */
  setUp(pod: Pod, ctx: SetUpContext, signal: AbortSignal): Promise<SetUpResult>;
}

export interface PodSyncedHook {
  readonly name: string;
  /** After a pass, with exactly the containers now running. */
  synced(pod: Pod, running: RunningContainer[], podIP: string | undefined): void;
}

export interface PodTearDownHook {
  readonly name: string;
  /** Releases what the pod had on this node. Idempotent; runs after the containers are removed. */
  tearDown(podUid: string, signal: AbortSignal): Promise<void>;
}

export interface PodHooks {
  setUp: PodSetUpHook[];
  synced: PodSyncedHook[];
  tearDown: PodTearDownHook[];
}

export type HookFailure = SetUpFailure & { hook: string };

/** Runs the set-up hooks in order; the first failure ends the run and is returned. `done`: told each hook that succeeded (a trace). */
export async function runSetUp(
  hooks: readonly PodSetUpHook[], pod: Pod, ctx: SetUpContext, signal: AbortSignal, done?: (hook: string) => void,
): Promise<{ ok: true } | HookFailure> {
  for (const hook of hooks) {
    signal.throwIfAborted();
    const result = await hook.setUp(pod, ctx, signal);
    if (!result.ok) return { ...result, hook: hook.name };
    done?.(hook.name);
  }
  return { ok: true };
}

export function runSynced(hooks: readonly PodSyncedHook[], pod: Pod, running: RunningContainer[], podIP: string | undefined): void {
  for (const hook of hooks) hook.synced(pod, running, podIP);
}

/** Runs every tear-down hook, whatever fails; then throws the failures together, each named by its hook. */
export async function runTearDown(hooks: readonly PodTearDownHook[], podUid: string, signal: AbortSignal): Promise<void> {
  const failures: unknown[] = [];
  for (const hook of hooks) {
    try {
      await hook.tearDown(podUid, signal);
    } catch (err: unknown) {
      failures.push(new Error(`${hook.name}: ${errorText(err)}`, { cause: err }));
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `tearing down pod ${podUid}: ${failures.length} of ${hooks.length} hooks failed`);
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError) return `${err.message}: ${err.errors.map(errorText).join('; ')}`;
  return err instanceof Error ? err.message : String(err);
}
