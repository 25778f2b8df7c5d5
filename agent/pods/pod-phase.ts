/**
 * The pod phase as the kubelet's getPhase computes it (pkg/kubelet/kubelet_pods.go, v1.32,
 * with sidecar containers): regular init containers still to run keep the pod Pending, and a
 * failed one fails a restartPolicy Never pod; restartable init containers (sidecars) count as
 * running while they run and are ignored once terminated; regular containers decide the rest.
 */
import type { Container, ContainerStatus, PodPhase, PodSpec } from '../../api/core-v1';

interface Counts {
  unknown: number;
  running: number;
  waiting: number;
  stopped: number;
  succeeded: number;
}

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

function statusNamed(statuses: ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

/** Regular init containers: how many still have to run, and whether one failed for good. */
function regularInits(spec: PodSpec, statuses: ContainerStatus[]): { pending: number; failed: number } {
  let pending = 0, failed = 0;
  for (const c of (spec.initContainers ?? []).filter((c) => !isSidecar(c))) {
    const s = statusNamed(statuses, c.name);
    const terminated = s?.state?.terminated;
    const lastTerminated = s?.lastState?.terminated;
    if (terminated) failed += terminated.exitCode !== 0 ? 1 : 0;
    else if (s?.state?.waiting && lastTerminated) failed += lastTerminated.exitCode !== 0 ? 1 : 0;
    else pending++;
  }
  return { pending, failed };
}

function countSidecars(spec: PodSpec, statuses: ContainerStatus[], counts: Counts): number {
  let pending = 0;
  for (const c of (spec.initContainers ?? []).filter(isSidecar)) {
    const s = statusNamed(statuses, c.name);
    if (!s) counts.unknown++;
    else if (s.state?.running) {
      if (!s.started) pending++;
      counts.running++;
    } else if (s.state?.terminated || (s.state?.waiting && s.lastState?.terminated)) continue;
    else if (s.state?.waiting) {
      pending++;
      counts.waiting++;
    } else {
      pending++;
      counts.unknown++;
    }
  }
  return pending;
}

function countRegular(spec: PodSpec, statuses: ContainerStatus[], counts: Counts): void {
  for (const c of spec.containers) {
    const s = statusNamed(statuses, c.name);
    if (!s) counts.unknown++;
    else if (s.state?.running) counts.running++;
    else if (s.state?.terminated) {
      counts.stopped++;
      if (s.state.terminated.exitCode === 0) counts.succeeded++;
    } else if (s.state?.waiting && s.lastState?.terminated) counts.stopped++;
    else if (s.state?.waiting) counts.waiting++;
    else counts.unknown++;
  }
}

/** Whether a regular container has run: the pod was initialized before. */
export function hasRegularContainerStarted(spec: PodSpec, statuses: ContainerStatus[]): boolean {
  return spec.containers.some((c) => {
    const s = statusNamed(statuses, c.name);
    return !!(s?.state?.running || s?.state?.terminated || s?.lastState?.terminated);
  });
}

function allStopped(spec: PodSpec, counts: Counts, podIsTerminal: boolean): PodPhase {
  if (podIsTerminal) return counts.stopped === counts.succeeded ? 'Succeeded' : 'Failed';
  if ((spec.restartPolicy ?? 'Always') === 'Always') return 'Running';
  if (counts.stopped === counts.succeeded) return 'Succeeded';
  return spec.restartPolicy === 'Never' ? 'Failed' : 'Running';
}

/** `statuses`: init and regular container statuses together (names are unique in a pod). */
export function getPhase(spec: PodSpec, statuses: ContainerStatus[], podIsTerminal: boolean): PodPhase {
  const inits = regularInits(spec, statuses);
  const counts: Counts = { unknown: 0, running: 0, waiting: 0, stopped: 0, succeeded: 0 };
  const pendingSidecars = countSidecars(spec, statuses, counts);
  countRegular(spec, statuses, counts);
  if (inits.failed > 0 && spec.restartPolicy === 'Never') return 'Failed';
  if (inits.pending > 0 || (pendingSidecars > 0 && !hasRegularContainerStarted(spec, statuses)) || counts.waiting > 0) return 'Pending';
  if (counts.running > 0 && counts.unknown === 0) return 'Running';
  if (counts.running === 0 && counts.stopped > 0 && counts.unknown === 0) return allStopped(spec, counts, podIsTerminal);
  return 'Pending';
}
