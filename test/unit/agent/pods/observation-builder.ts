/**
 * Builds what a pod worker observes of a pod in the runtime, for tests of the planner:
 * `anObservation(pod).sandbox('running').container('app', running(), exited(1)).build()`.
 * Attempts are given newest first; the newest gets the highest restart count.
 */
import type { Pod } from '../../../../api/core-v1';
import { containerHash } from '../../../../agent/pods/container-spec';
import { identityOf, labelsFor, SANDBOX_NAME, type ContainerKind } from '../../../../agent/pods/docker-labels';
import type { AttemptSummary, ObservedAttempts, PodObservation } from '../../../../agent/pods/pod-observation';
import type { ContainerDetails, ContainerStatusName } from '../../../../agent/runtime/container-runtime';

export const T0 = Date.parse('2025-03-01T10:00:00Z');

export interface AttemptSpec {
  status: ContainerStatusName;
  exitCode?: number;
  /** Ms since epoch; absent (or NaN: Docker gave none) for a running one. */
  finishedAtMs?: number;
  error?: string;
  /** Created from an older definition of the container. */
  staleSpec?: boolean;
}

export const running = (over: Partial<AttemptSpec> = {}): AttemptSpec => ({ status: 'running', ...over });
export const created = (): AttemptSpec => ({ status: 'created' });
export const exited = (exitCode: number, finishedAtMs = T0 - 5_000, over: Partial<AttemptSpec> = {}): AttemptSpec =>
  ({ status: 'exited', exitCode, finishedAtMs, ...over });

export class ObservationBuilder {
  private readonly all: { summary: AttemptSummary; details: ContainerDetails }[] = [];

  constructor(private readonly pod: Pod) {}

  /** Pause containers, newest first. */
  sandbox(...attempts: ContainerStatusName[]): this {
    attempts.forEach((status, i) => this.add(SANDBOX_NAME, 'podsandbox', attempts.length - 1 - i, { status }));
    return this;
  }

  /** Attempts of one container (init or regular), newest first. */
  container(name: string, ...attempts: AttemptSpec[]): this {
    attempts.forEach((a, i) => this.add(name, 'container', attempts.length - 1 - i, a));
    return this;
  }

  build(): PodObservation {
    const sandboxes = this.all.filter((c) => c.summary.identity.kind === 'podsandbox');
    const containers = new Map<string, ObservedAttempts>();
    for (const c of this.all.filter((c) => c.summary.identity.kind === 'container')) {
      const entry = containers.get(c.summary.identity.containerName) ?? { attempts: [] };
      if (entry.attempts.length === 0) entry.current = c.details;
      else if (entry.attempts.length === 1) entry.previous = c.details;
      entry.attempts.push(c.summary);
      containers.set(c.summary.identity.containerName, entry);
    }
    return { all: this.all.map((c) => c.summary), sandbox: sandboxes[0]?.details, sandboxes: sandboxes.map((s) => s.summary), containers };
  }

  private add(name: string, kind: ContainerKind, restartCount: number, a: AttemptSpec): void {
    const uid = this.pod.metadata.uid ?? '';
    const spec = [...(this.pod.spec.initContainers ?? []), ...this.pod.spec.containers].find((c) => c.name === name);
    const hash = kind === 'container' && spec ? (a.staleSpec ? 'stale' : containerHash(spec)) : undefined;
    const labels = labelsFor({ podUid: uid, podName: 'web', podNamespace: 'default', containerName: name, kind, restartCount, hash, gracePeriodSeconds: 30 });
    const id = `${name}-${restartCount}`;
    const summary = { id, name: `k8s_${name}_${restartCount}`, labels, status: a.status, identity: identityOf(labels) } as AttemptSummary;
    const details: ContainerDetails = {
      ...summary, image: 'img', imageId: 'sha256:1', running: a.status === 'running', exitCode: a.exitCode ?? 0, oomKilled: false, error: a.error,
      startedAt: '2025-03-01T09:00:00Z', finishedAt: Number.isFinite(a.finishedAtMs) ? new Date(a.finishedAtMs as number).toISOString() : undefined, stopSignal: 'SIGTERM',
    };
    this.all.push({ summary, details });
  }
}

export function anObservation(pod: Pod): ObservationBuilder {
  return new ObservationBuilder(pod);
}
