/**
 * A pod's core/v1 status computed from what the runtime shows, as the kubelet computes it
 * (pkg/kubelet/kubelet_pods.go getPhase and convertToAPIContainerStatuses,
 * pkg/kubelet/status/generate.go). Pure: the same observation gives the same status, and
 * condition times only move when a condition changes, so an unchanged pod never produces a
 * "changed" status. Init containers (sidecars included) get their own statuses.
 */
import type { Container, ContainerState, ContainerStateTerminated, ContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '../../api/core-v1';
import type { ContainerDetails } from '../runtime/container-runtime';
import { kubeTime, rfc3339 } from './kube-time';
import { identityOf } from './docker-labels';
import { getPhase, hasRegularContainerStarted, isSidecar } from './pod-phase';

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
  /** Probe results for the current attempt; absent fields mean "no such probe" (ready/started follow running). */
  probes?: { ready?: boolean; started?: boolean };
}

export interface PodStatusInput {
  pod: Pod;
  hostIP: string;
  nowMs: number;
  startTime: string;
  /** The sandbox's address while it runs, else the last one known. */
  podIP?: string;
  sandboxReady: boolean;
  /** By Kubernetes container name, init containers included. */
  containers: Record<string, ObservedContainer>;
  /** The imageID to report for a container (`docker-pullable://…` or `docker://sha256:…`). */
  imageIdOf: (details: ContainerDetails) => string;
  /** The status last reported (or received), for transition times and terminal phases. */
  previous?: PodStatus;
  /** The pod will not run again (being deleted and stopped): its phase becomes terminal. */
  terminal: boolean;
}

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

interface StatusContext {
  imageIdOf: (d: ContainerDetails) => string;
  terminal: boolean;
  /** Reason shown for a container not created yet. */
  defaultWaiting: string;
  kind: 'regular' | 'init' | 'sidecar';
}

function stateOf(obs: ObservedContainer, ctx: StatusContext): ContainerState {
  const cur = obs.current;
  if (cur?.running) return { running: { startedAt: kubeTime(cur.startedAt) } };
  if (ctx.terminal && ctx.kind === 'regular') return cur && hasExited(cur) ? { terminated: terminatedState(cur) } : structuredClone(NEVER_RAN);
  if (ctx.terminal && cur && hasExited(cur)) return { terminated: terminatedState(cur) };
  if (obs.waiting && !ctx.terminal) return { waiting: { ...obs.waiting } };
  if (cur && hasExited(cur)) return { terminated: terminatedState(cur) };
  return { waiting: { reason: ctx.defaultWaiting } };
}

/** Ready: a regular init container once it succeeded; others while running and passing readiness. */
function readyOf(obs: ObservedContainer, state: ContainerState, kind: StatusContext['kind']): boolean {
  if (kind === 'init') return state.terminated?.exitCode === 0;
  return state.running !== undefined && (obs.probes?.ready ?? true);
}

export function containerStatusOf(container: Container, obs: ObservedContainer, ctx: StatusContext): ContainerStatus {
  const cur = obs.current;
  const state = stateOf(obs, ctx);
  const running = state.running !== undefined;
  const status: ContainerStatus = {
    name: container.name,
    state,
    lastState: lastStateOf(obs, ctx.terminal),
    ready: readyOf(obs, state, ctx.kind),
    restartCount: cur ? (identityOf(cur.labels)?.restartCount ?? 0) : 0,
    image: container.image ?? '',
    imageID: cur ? ctx.imageIdOf(cur) : '',
    started: running && (obs.probes?.started ?? true),
  };
  if (cur) status.containerID = `docker://${cur.id}`;
  return status;
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False' };
  if (reason && (!ok || reason === 'PodCompleted')) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/** ContainersReady and Ready: every regular container and every sidecar ready. */
function readiness(phase: PodPhase, statuses: ContainerStatus[]): PodCondition[] {
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const terminalReason = phase === 'Succeeded' ? 'PodCompleted' : phase === 'Failed' ? 'PodFailed' : undefined;
  const reason = terminalReason ?? 'ContainersNotReady';
  const message = terminalReason ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const ready = unready.length === 0 && !terminalReason;
  return [condition('Ready', ready, reason, message), condition('ContainersReady', ready, reason, message)];
}

/** GeneratePodInitializedCondition: every regular init container succeeded and every sidecar started. */
function initialized(pod: Pod, inits: ContainerStatus[], regular: ContainerStatus[], phase: PodPhase): PodCondition {
  const specs = pod.spec.initContainers ?? [];
  if (specs.length === 0) return condition('Initialized', true);
  if (phase === 'Succeeded') return condition('Initialized', true, 'PodCompleted');
  if (hasRegularContainerStarted(pod.spec, regular)) return condition('Initialized', true);
  const incomplete = specs.filter((c, i) => {
    const s = inits[i];
    return isSidecar(c) ? !s.started : s.state?.terminated?.exitCode !== 0;
  });
  if (incomplete.length === 0) return condition('Initialized', true);
  return condition('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.map((c) => c.name).join(' ')}]`);
}

/** Keeps a condition's lastTransitionTime unless its status changed. */
function withTransitionTimes(conditions: PodCondition[], previous: PodCondition[] | undefined, now: string): PodCondition[] {
  return conditions.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const time = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: time, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
  });
}

function previousPhaseIfTerminal(previous: PodStatus | undefined): PodPhase | undefined {
  return previous?.phase === 'Succeeded' || previous?.phase === 'Failed' ? previous.phase : undefined;
}

/** Whether every regular init container succeeded and every sidecar started (or a regular container already ran). */
export function isInitialized(pod: Pod, containers: Record<string, ObservedContainer>): boolean {
  const ctx = { imageIdOf: () => '', terminal: false, defaultWaiting: 'PodInitializing' };
  const inits = (pod.spec.initContainers ?? []).map((c) => containerStatusOf(c, containers[c.name] ?? {}, { ...ctx, kind: isSidecar(c) ? 'sidecar' : 'init' }));
  const regular = pod.spec.containers.map((c) => containerStatusOf(c, containers[c.name] ?? {}, { ...ctx, kind: 'regular' }));
  return initialized(pod, inits, regular, 'Pending').status === 'True';
}

function statusesOf(input: PodStatusInput): { inits: ContainerStatus[]; regular: ContainerStatus[] } {
  const base = { imageIdOf: input.imageIdOf, terminal: input.terminal };
  const inits = (input.pod.spec.initContainers ?? []).map((c) =>
    containerStatusOf(c, input.containers[c.name] ?? {}, { ...base, defaultWaiting: 'PodInitializing', kind: isSidecar(c) ? 'sidecar' : 'init' }));
  const ready = isInitialized(input.pod, input.containers);
  const regular = input.pod.spec.containers.map((c) =>
    containerStatusOf(c, input.containers[c.name] ?? {}, { ...base, defaultWaiting: ready ? 'ContainerCreating' : 'PodInitializing', kind: 'regular' }));
  return { inits, regular };
}

export function computePodStatus(input: PodStatusInput): PodStatus {
  const { inits, regular } = statusesOf(input);
  const phase = previousPhaseIfTerminal(input.previous) ?? getPhase(input.pod.spec, [...inits, ...regular], input.terminal);
  const sidecars = inits.filter((_, i) => isSidecar((input.pod.spec.initContainers ?? [])[i]));
  const list = [
    condition('PodReadyToStartContainers', input.sandboxReady),
    initialized(input.pod, inits, regular, phase),
    ...readiness(phase, [...sidecars, ...regular]),
    condition('PodScheduled', true),
  ];
  const status: PodStatus = {
    phase,
    conditions: withTransitionTimes(list, input.previous?.conditions, rfc3339(input.nowMs)),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
  };
  if (input.podIP) Object.assign(status, { podIP: input.podIP, podIPs: [{ ip: input.podIP }] });
  status.startTime = input.startTime;
  if (inits.length > 0) status.initContainerStatuses = inits;
  status.containerStatuses = regular;
  const qos = input.pod.status?.qosClass;
  if (qos) status.qosClass = qos;
  return status;
}
