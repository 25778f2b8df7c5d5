/**
 * Stopping one container as the kubelet's killContainer does: the Killing event, then the
 * preStop hook within the grace period (a failure is the FailedPreStopHook event and the stop
 * goes on), then — once it is this container's turn (sidecars stop after the regular
 * containers) — its stop signal with what is left of the grace period, never less than 2 s,
 * then SIGKILL. https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
 */
import type { Container, Pod } from '../../api/core-v1';
import type { ContainerRuntime } from '../runtime/container-runtime';
import type { Clock } from '../../base/clock';
import { runHook } from './lifecycle-hooks';
import type { PodEventLog } from './pod-event-log';
import { containerEvents } from './pod-events';

/** The kubelet never gives a container less than this to stop (minimumGracePeriodInSeconds). */
export const MIN_GRACE_SECONDS = 2;

export interface KillDeps {
  runtime: ContainerRuntime;
  events: PodEventLog;
  clock: Pick<Clock, 'now'>;
  log: (message: string) => void;
}

export interface KillTarget {
  id: string;
  stopSignal: string;
  /** The pod and container spec, when known (an orphan known only from labels has none). */
  pod?: Pod;
  container?: Container;
  podIP?: string;
}

export interface KillOptions {
  graceSeconds: number;
  /** The Killing event's message; default `Stopping container <name>`. */
  message?: string;
  /** Resolves when the containers that must stop first have stopped. */
  turn?: Promise<unknown>;
}

async function preStop(deps: KillDeps, target: KillTarget, deadlineMs: number, signal: AbortSignal): Promise<void> {
  const { pod, container } = target;
  const hook = container?.lifecycle?.preStop;
  const remaining = deadlineMs - deps.clock.now();
  if (!pod || !container || !hook || remaining <= 0) return;
  const result = await runHook(hook, { pod, container, containerId: target.id, podIP: target.podIP }, deps.runtime, remaining, signal);
  if (result.ok) return;
  deps.events.container(pod, container.name, containerEvents.failedPreStopHook());
  deps.log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: ${result.message}`);
}

export async function killContainer(deps: KillDeps, target: KillTarget, opts: KillOptions, signal: AbortSignal): Promise<void> {
  const deadlineMs = deps.clock.now() + opts.graceSeconds * 1000;
  if (target.pod && target.container) deps.events.container(target.pod, target.container.name, containerEvents.killing(target.container, opts.message));
  await preStop(deps, target, deadlineMs, signal);
  await opts.turn?.catch(() => undefined);
  const left = Math.ceil((deadlineMs - deps.clock.now()) / 1000);
  await deps.runtime.stopContainer(target.id, { signal: target.stopSignal, timeoutSeconds: Math.max(left, MIN_GRACE_SECONDS) }, signal);
}
