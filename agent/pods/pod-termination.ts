/**
 * The stop step of a pod: every app container gets its stop signal (the image's STOPSIGNAL,
 * else SIGTERM) and the grace period, in parallel, then SIGKILL; the pause container goes
 * last; then every container of the pod is removed. Teardown runs every step and collects
 * the errors (STYLE rule 7), so one stuck container never hides the others.
 */
import type { Pod } from '../../api/core-v1';
import type { ContainerRuntime, ContainerSummary } from '../runtime/container-runtime';
import { identityOf } from './docker-labels';

/** The kubelet never gives a container less than this to stop (killContainer's minimum). */
const MIN_GRACE_SECONDS = 2;

/** deletionGracePeriodSeconds, else spec.terminationGracePeriodSeconds, else 30. */
export function gracePeriodSeconds(pod: Pod): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
}

async function settle(tasks: Promise<unknown>[], errors: unknown[]): Promise<void> {
  for (const r of await Promise.allSettled(tasks)) if (r.status === 'rejected') errors.push(r.reason);
}

async function stopOne(runtime: ContainerRuntime, c: ContainerSummary, graceSeconds: number, signal: AbortSignal): Promise<void> {
  if (c.status !== 'running' && c.status !== 'restarting' && c.status !== 'paused') return;
  const details = await runtime.inspectContainer(c.id, signal);
  if (!details?.running) return;
  await runtime.stopContainer(c.id, { signal: details.stopSignal, timeoutSeconds: Math.max(graceSeconds, MIN_GRACE_SECONDS) }, signal);
}

/** Stops the pod's containers (apps in parallel, then the sandbox) without removing them. */
export async function stopPodContainers(runtime: ContainerRuntime, containers: ContainerSummary[], graceSeconds: number, signal: AbortSignal): Promise<void> {
  const errors: unknown[] = [];
  const isSandbox = (c: ContainerSummary): boolean => identityOf(c.labels)?.kind === 'podsandbox';
  await settle(containers.filter((c) => !isSandbox(c)).map((c) => stopOne(runtime, c, graceSeconds, signal)), errors);
  // The pause container holds nothing worth a grace period.
  await settle(containers.filter(isSandbox).map((c) => runtime.stopContainer(c.id, { signal: 'SIGKILL', timeoutSeconds: 0 }, signal)), errors);
  if (errors.length > 0) throw new AggregateError(errors, `stopping ${errors.length} container(s) failed`);
}

/** Stops, then removes every container of the pod. */
export async function killPod(runtime: ContainerRuntime, containers: ContainerSummary[], graceSeconds: number, signal: AbortSignal): Promise<void> {
  const errors: unknown[] = [];
  await stopPodContainers(runtime, containers, graceSeconds, signal).catch((err: unknown) => errors.push(err));
  signal.throwIfAborted();
  await settle(containers.map((c) => runtime.removeContainer(c.id, signal)), errors);
  if (errors.length > 0) throw new AggregateError(errors, `tearing down pod containers failed: ${errors.map(String).join('; ')}`);
}
