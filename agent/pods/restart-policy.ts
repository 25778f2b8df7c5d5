/**
 * Whether an exited container is started again, and when: the pod's restartPolicy decides
 * whether; a per-container backoff (kubelet: 10 s doubling to 5 min, measured from the exit)
 * decides when. Kept apart so a fuller CrashLoopBackOff can grow here.
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy
 */
import type { Container, PodSpec } from '../../api/core-v1';
import { Backoff } from '../../base/backoff';
import type { Clock } from '../../base/clock';

export type RestartDecision =
  | { action: 'restart' }
  | { action: 'backoff'; untilMs: number; delayMs: number }
  | { action: 'keep-exited'; reason: string };

export interface ExitedContainer {
  /** Stable per pod container, e.g. `<podUid>/<name>`. */
  key: string;
  exitCode: number;
  /** When it exited (ms since epoch); backoff counts from here. */
  finishedAtMs: number;
}

/** Restart-policy semantics alone: does this exit call for another run? */
export function policyRestarts(policy: PodSpec['restartPolicy'], exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true; // Always, the default
}

/** A container's restart policy: sidecars always restart; a regular init container only on failure. */
export function containerRestartPolicy(spec: PodSpec, container: Container, isInit: boolean): PodSpec['restartPolicy'] {
  if (isInit && container.restartPolicy === 'Always') return 'Always';
  if (isInit) return spec.restartPolicy === 'Never' ? 'Never' : 'OnFailure';
  return spec.restartPolicy ?? 'Always';
}

/** The backoff key of a pod's container. */
export function containerKey(podUid: string, containerName: string): string {
  return `${podUid}/${containerName}`;
}

export class RestartPolicy {
  private readonly backoff: Backoff;

  constructor(clock: Pick<Clock, 'now'>, backoff?: Backoff) {
    this.backoff = backoff ?? new Backoff(clock);
  }

  /** Decides for one exited container. A `restart` answer must be followed by `restarted()`. */
  decide(policy: PodSpec['restartPolicy'], exited: ExitedContainer): RestartDecision {
    if (!policyRestarts(policy, exited.exitCode)) return { action: 'keep-exited', reason: `restartPolicy ${policy ?? 'Always'}` };
    const backoff = this.backoffOf(exited.key, exited.finishedAtMs);
    return backoff ? { action: 'backoff', ...backoff } : { action: 'restart' };
  }

  /** While the container exited at `finishedAtMs` must wait before its restart: until when, and the delay (kubelet: IsInBackOffSince). */
  backoffOf(key: string, finishedAtMs: number): { untilMs: number; delayMs: number } | undefined {
    const untilMs = this.backoff.blockedUntil(key, finishedAtMs);
    return untilMs === undefined ? undefined : { untilMs, delayMs: this.backoff.delayOf(key) };
  }

  /** Records the restart of a container that exited at `finishedAtMs`, arming the next backoff. */
  restarted(exited: ExitedContainer): void {
    this.backoff.next(exited.key, exited.finishedAtMs);
  }

  forgetPod(podUid: string): void {
    this.backoff.forgetPrefix(`${podUid}/`);
  }

  /** Drops the backoff of every pod not in `podUids` (gone while the agent was down). */
  retainPods(podUids: ReadonlySet<string>): void {
    this.backoff.retainPrefixes((key) => podUids.has(key.slice(0, key.indexOf('/'))));
  }
}

/** The kubelet's CrashLoopBackOff message, e.g. `back-off 20s restarting failed container=app pod=web_default(uid)`. */
export function crashLoopMessage(delayMs: number, container: string, pod: { name: string; namespace: string; uid: string }): string {
  return `back-off ${formatDelay(delayMs)} restarting failed container=${container} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
}

/** Go's time.Duration spelling for whole seconds: 10s, 1m20s, 5m0s. */
function formatDelay(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
