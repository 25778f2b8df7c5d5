/**
 * The stop step of a pod, with the kubelet's ordering (v1.29+ sidecars): every container is
 * killed at once (Killing event, preStop hook, stop signal, then SIGKILL after the grace
 * period), except that sidecars (restartable init containers) are stopped only after the
 * regular containers, in reverse order; the pause container goes last. Teardown runs every
 * step and collects the errors (STYLE rule 7), so one stuck container never hides the others.
 */
import type { Container, Pod } from '../../api/core-v1';
import type { ContainerSummary } from '../runtime/container-runtime';
import { killContainer, type KillDeps } from './container-killer';
import { identityOf } from './docker-labels';
import { isSidecar } from './pod-phase';

/** deletionGracePeriodSeconds, else spec.terminationGracePeriodSeconds, else 30. */
export function gracePeriodSeconds(pod: Pod): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
}

async function settle(tasks: Promise<unknown>[], errors: unknown[]): Promise<void> {
  for (const r of await Promise.allSettled(tasks)) if (r.status === 'rejected') errors.push(r.reason);
}

const isSandbox = (c: ContainerSummary): boolean => identityOf(c.labels)?.kind === 'podsandbox';
const isLive = (c: ContainerSummary): boolean => c.status === 'running' || c.status === 'restarting' || c.status === 'paused';

function specOf(pod: Pod | undefined, c: ContainerSummary): Container | undefined {
  const name = identityOf(c.labels)?.containerName;
  return [...(pod?.spec.initContainers ?? []), ...(pod?.spec.containers ?? [])].find((s) => s.name === name);
}

export interface StopPodOptions {
  graceSeconds: number;
  podIP?: string;
  /** Only these containers (default: every live one). */
  only?: (c: ContainerSummary) => boolean;
}

/** Kills one container: inspected first for its stop signal; one that is not running is left. */
async function stopOne(deps: KillDeps, pod: Pod | undefined, c: ContainerSummary, opts: StopPodOptions, turn: Promise<unknown> | undefined, signal: AbortSignal): Promise<void> {
  const details = await deps.runtime.inspectContainer(c.id, signal);
  if (!details?.running) return;
  const target = { id: c.id, stopSignal: details.stopSignal, pod, container: specOf(pod, c), podIP: opts.podIP };
  await killContainer(deps, target, { graceSeconds: opts.graceSeconds, turn }, signal);
}

/** Regular containers first (in parallel), then sidecars last to first; the sandbox is not touched. */
export async function stopContainers(deps: KillDeps, pod: Pod | undefined, containers: ContainerSummary[], opts: StopPodOptions, signal: AbortSignal): Promise<void> {
  const live = containers.filter((c) => !isSandbox(c) && isLive(c) && (opts.only?.(c) ?? true));
  const sidecarOrder = (pod?.spec.initContainers ?? []).filter(isSidecar).map((s) => s.name);
  const rank = (c: ContainerSummary): number => sidecarOrder.indexOf(identityOf(c.labels)?.containerName ?? '');
  const regular = live.filter((c) => rank(c) < 0);
  const sidecars = live.filter((c) => rank(c) >= 0).sort((a, b) => rank(b) - rank(a));
  const errors: unknown[] = [];
  const all = regular.map((c) => stopOne(deps, pod, c, opts, undefined, signal));
  let turn: Promise<unknown> = Promise.allSettled(all);
  for (const c of sidecars) {
    const mine = stopOne(deps, pod, c, opts, turn, signal);
    all.push(mine);
    turn = Promise.allSettled([turn, mine]);
  }
  await settle(all, errors);
  if (errors.length > 0) throw new AggregateError(errors, `stopping ${errors.length} container(s) failed`);
}

/** Stops the pod's containers, then its pause container, without removing them. */
export async function stopPod(deps: KillDeps, pod: Pod | undefined, containers: ContainerSummary[], opts: StopPodOptions, signal: AbortSignal): Promise<void> {
  const errors: unknown[] = [];
  await stopContainers(deps, pod, containers, opts, signal).catch((err: unknown) => errors.push(err));
  // The pause container holds nothing worth a grace period.
  await settle(containers.filter((c) => isSandbox(c) && isLive(c)).map((c) => deps.runtime.stopContainer(c.id, { signal: 'SIGKILL', timeoutSeconds: 0 }, signal)), errors);
  if (errors.length > 0) throw new AggregateError(errors, `stopping ${errors.length} container(s) failed`);
}
