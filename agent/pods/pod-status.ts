/**
 * A pod's core/v1 status computed from what the runtime shows, as the kubelet computes it
 * (pkg/kubelet/kubelet_pods.go getPhase, pkg/kubelet/status/generate.go). Pure: the same
 * observation gives the same status, and condition times only move when a condition changes,
 * so an unchanged pod never produces a "changed" status.
 */
import type { Container, ContainerState, ContainerStateTerminated, ContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '../../api/core-v1';
import type { ContainerDetails } from '../runtime/container-runtime';
import { kubeTime, rfc3339 } from './clock';
import { identityOf } from './docker-labels';

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ObservedContainer {
  /** The latest attempt, if one exists. */
  current?: ContainerDetails;
  /** The attempt before it, if still kept: reported as lastState. */
  previous?: ContainerDetails;
  /** Why it is not running, as the worker knows it (image errors, backoff, config errors). */
  waiting?: WaitingReason;
}

export interface PodStatusInput {
  pod: Pod;
  hostIP: string;
  nowMs: number;
  startTime: string;
  /** The sandbox's address while it runs, else the last one known. */
  podIP?: string;
  sandboxReady: boolean;
  /** By Kubernetes container name. */
  containers: Record<string, ObservedContainer>;
  /** The imageID to report for a container (`docker-pullable://…` or `docker://sha256:…`). */
  imageIdOf: (details: ContainerDetails) => string;
  /** The status last reported (or received), for transition times and terminal phases. */
  previous?: PodStatus;
  /** The pod will not run again (being deleted and stopped): its phase becomes terminal. */
  terminal: boolean;
}

export const INIT_UNSUPPORTED = 'init containers are not supported yet by this agent';

export function terminatedState(d: ContainerDetails): ContainerStateTerminated {
  const reason = d.oomKilled ? 'OOMKilled' : d.error ? 'StartError' : d.exitCode === 0 ? 'Completed' : 'Error';
  const state: ContainerStateTerminated = { exitCode: d.exitCode, reason };
  if (d.error) state.message = d.error;
  return Object.assign(state, { startedAt: kubeTime(d.startedAt), finishedAt: kubeTime(d.finishedAt), containerID: `docker://${d.id}` });
}

/** True for a container that ran (or tried to) and is not running any more. */
export function hasExited(d: ContainerDetails): boolean {
  return !d.running && (d.status === 'exited' || d.status === 'dead' || d.error !== undefined);
}

function lastStateOf(obs: ObservedContainer, terminal: boolean): ContainerState {
  if (obs.current && hasExited(obs.current) && obs.waiting && !terminal) return { terminated: terminatedState(obs.current) };
  return obs.previous && hasExited(obs.previous) ? { terminated: terminatedState(obs.previous) } : {};
}

/** A container that never ran in a pod that is over (the kubelet's ContainerStatusUnknown). */
const NEVER_RAN: ContainerState = {
  terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' },
};

function stateOf(obs: ObservedContainer, terminal: boolean): ContainerState {
  const cur = obs.current;
  if (cur?.running) return { running: { startedAt: kubeTime(cur.startedAt) } };
  if (terminal) return cur && hasExited(cur) ? { terminated: terminatedState(cur) } : structuredClone(NEVER_RAN);
  if (obs.waiting) return { waiting: { ...obs.waiting } };
  if (cur && hasExited(cur)) return { terminated: terminatedState(cur) };
  return { waiting: { reason: 'ContainerCreating' } };
}

export function containerStatusOf(container: Container, obs: ObservedContainer, imageIdOf: (d: ContainerDetails) => string, terminal = false): ContainerStatus {
  const cur = obs.current;
  const running = cur?.running === true;
  const status: ContainerStatus = {
    name: container.name,
    state: stateOf(obs, terminal),
    lastState: lastStateOf(obs, terminal),
    ready: running,
    restartCount: cur ? (identityOf(cur.labels)?.restartCount ?? 0) : 0,
    image: container.image ?? '',
    imageID: cur ? imageIdOf(cur) : '',
    started: running,
  };
  if (cur) status.containerID = `docker://${cur.id}`;
  return status;
}

/** getPhase for regular containers (no init containers, no sidecars yet). */
export function phaseOf(restartPolicy: Pod['spec']['restartPolicy'], statuses: ContainerStatus[], terminal: boolean): PodPhase {
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
  if (restartPolicy === 'OnFailure' || restartPolicy === 'Never') {
    if (stopped === succeeded) return 'Succeeded';
    return restartPolicy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Running';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False' };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

function readiness(phase: PodPhase, statuses: ContainerStatus[]): PodCondition[] {
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const terminalReason = phase === 'Succeeded' ? 'PodCompleted' : phase === 'Failed' ? 'PodFailed' : undefined;
  const reason = terminalReason ?? 'ContainersNotReady';
  const message = terminalReason ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const ready = unready.length === 0 && !terminalReason;
  return [condition('Ready', ready, reason, message), condition('ContainersReady', ready, reason, message)];
}

/** Keeps a condition's lastTransitionTime unless its status changed. */
function withTransitionTimes(conditions: PodCondition[], previous: PodCondition[] | undefined, now: string): PodCondition[] {
  return conditions.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const time = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: time, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
  });
}

function conditionsOf(input: PodStatusInput, phase: PodPhase, statuses: ContainerStatus[]): PodCondition[] {
  const initialized = !(input.pod.spec.initContainers?.length);
  const list = [
    condition('PodReadyToStartContainers', input.sandboxReady),
    condition('Initialized', initialized, 'ContainersNotInitialized', initialized ? undefined : INIT_UNSUPPORTED),
    ...readiness(phase, statuses),
    condition('PodScheduled', true),
  ];
  return withTransitionTimes(list, input.previous?.conditions, rfc3339(input.nowMs));
}

function initStatuses(pod: Pod): ContainerStatus[] | undefined {
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return undefined;
  return inits.map((c) => ({
    name: c.name, state: { waiting: { reason: 'CreateContainerConfigError', message: INIT_UNSUPPORTED } }, lastState: {},
    ready: false, restartCount: 0, image: c.image ?? '', imageID: '', started: false,
  }));
}

function previousPhaseIfTerminal(previous: PodStatus | undefined): PodPhase | undefined {
  return previous?.phase === 'Succeeded' || previous?.phase === 'Failed' ? previous.phase : undefined;
}

export function computePodStatus(input: PodStatusInput): PodStatus {
  const statuses = input.pod.spec.containers.map((c) => containerStatusOf(c, input.containers[c.name] ?? {}, input.imageIdOf, input.terminal));
  const phase = previousPhaseIfTerminal(input.previous) ?? phaseOf(input.pod.spec.restartPolicy, statuses, input.terminal);
  const status: PodStatus = {
    phase,
    conditions: conditionsOf(input, phase, statuses),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
  };
  if (input.podIP) Object.assign(status, { podIP: input.podIP, podIPs: [{ ip: input.podIP }] });
  status.startTime = input.startTime;
  const inits = initStatuses(input.pod);
  if (inits) status.initContainerStatuses = inits;
  status.containerStatuses = statuses;
  const qos = input.pod.status?.qosClass;
  if (qos) status.qosClass = qos;
  return status;
}
