/**
 * What one pass of a pod worker does, decided in one pure function as the kubelet's
 * computePodActions decides it (pkg/kubelet/kuberuntime/kuberuntime_manager.go, v1.32);
 * the worker executes the plan (STYLE rule 10a). No I/O, no clock: the observation, the
 * restart backoff and `nowMs` come in, a list of actions with reasons comes out.
 *
 * A plan has a stage:
 * - `release`: the pod reached a terminal phase; whatever still runs is stopped, nothing starts;
 * - `sandbox`: the pause container is not running; the pod is killed and, unless a Never pod's
 *   containers already ran (or nothing is left to start), a new sandbox is made with the old
 *   sandboxes and every init container attempt removed, so the init containers run again.
 *   The plan ends with the sandbox: the worker observes again and plans the containers,
 *   because the killed containers' exits count for their restart policy;
 * - `containers`: the init containers in order (a sidecar — restartPolicy Always — must have
 *   started before the next one, and keeps running), then the regular containers, each kept,
 *   started, restarted after its CrashLoopBackOff, or replaced when its spec changed; once the
 *   regular containers are done for good the sidecars are stopped. Stale attempts are pruned.
 */
import type { Container, Pod, PodPhase } from '../../api/core-v1';
import type { ContainerDetails } from '../runtime/container-runtime';
import { containerHash } from './container-spec';
import { identityOf } from './docker-labels';
import type { AttemptSummary, ObservedAttempts, PodObservation } from './pod-observation';
import { isSidecar } from './pod-phase';
import { hasExited, isInitialized, type ObservedContainer } from './pod-status';
import { containerRestartPolicy, policyRestarts } from './restart-policy';
import { sandboxAction } from './sandbox-recreation';

export type ContainerRole = 'init' | 'sidecar' | 'regular';

/** Why the whole pod is stopped. */
export type KillPodReason =
  /** The pod is Succeeded or Failed: it keeps its exited containers, not its sidecars or network. */
  | 'PodFinished'
  /** The sandbox died in a pod that will not get another one (a Never pod, or nothing left to start). */
  | 'SandboxDied'
  /** A new sandbox replaces a dead one: its containers share the old network namespace and cannot outlive it. */
  | 'SandboxChanged'
  /** No pause container at all (removed behind our back): what runs has no sandbox. */
  | 'SandboxMissing';

export type PodAction =
  | { type: 'killPod'; reason: KillPodReason }
  | { type: 'removeContainers'; ids: string[]; reason: 'SandboxChanged' | 'Pruned' }
  | { type: 'createSandbox'; attempt: number; reason: 'SandboxMissing' | 'SandboxChanged' }
  | { type: 'stopSidecars'; ids: string[]; reason: 'RegularContainersDone' }
  | { type: 'keepContainer'; name: string; reason: 'Running' | 'ExitedForGood' }
  /** The Killing event's message says why (a changed definition, a failed liveness or startup probe). */
  | { type: 'killContainer'; name: string; id: string; reason: 'SpecChanged' | 'ProbeFailed'; message: string }
  | { type: 'startCreated'; name: string; id: string; reason: 'CreatedNotStarted' }
  | { type: 'startContainer'; name: string; role: ContainerRole; restartCount: number; reason: StartReason; exited?: ExitedAttempt }
  | { type: 'waitBackoff'; name: string; id: string; untilMs: number; delayMs: number };

export type KillContainerAction = Extract<PodAction, { type: 'killContainer' }>;
export type StartContainerAction = Extract<PodAction, { type: 'startContainer' }>;

export type StartReason = 'NotCreated' | 'Restart' | 'SpecChanged';

/** The exit a restart follows: the worker arms the next backoff from it once the container exists. */
export interface ExitedAttempt {
  exitCode: number;
  finishedAtMs: number;
}

export interface PodPlan {
  stage: 'release' | 'sandbox' | 'containers';
  actions: PodAction[];
}

/** The restart backoff as the planner reads it (kubelet: IsInBackOffSince). */
export interface RestartState {
  /** While container `name` of this pod, exited at `finishedAtMs`, must wait: until when, and the delay. */
  backoffOf(name: string, finishedAtMs: number): { untilMs: number; delayMs: number } | undefined;
}

/** What the worker knows of the pod besides the runtime. */
export interface ObservedPod {
  runtime: PodObservation;
  /** The phase last reported: a terminal one is never left. */
  phase?: PodPhase;
  /** Ids of running containers whose startup probe has not succeeded yet (kubelet: `started` false). */
  notStarted?: ReadonlySet<string>;
  /** The running sandbox has no pod address (an agent attaching it stopped half way): it is replaced, as the kubelet replaces a sandbox without an IP. */
  sandboxWithoutAddress?: boolean;
}

export function computePodActions(pod: Pod, observed: ObservedPod, restarts: RestartState, nowMs: number): PodPlan {
  if (observed.phase === 'Succeeded' || observed.phase === 'Failed') return releasePlan(observed.runtime);
  if (!observed.runtime.sandbox?.running || observed.sandboxWithoutAddress) return sandboxPlan(pod, observed.runtime);
  return { stage: 'containers', actions: [...containerActions(pod, observed, restarts, nowMs), ...pruneActions(observed.runtime)] };
}

/** The actions that make something new: after a setup step (cgroups, network) is needed. */
export function createsSandbox(plan: PodPlan): boolean {
  return plan.actions.some((a) => a.type === 'createSandbox');
}

export function startsContainers(plan: PodPlan): boolean {
  return plan.actions.some((a) => a.type === 'startContainer');
}

function releasePlan(obs: PodObservation): PodPlan {
  const running = obs.all.some((c) => c.status === 'running');
  return { stage: 'release', actions: running ? [{ type: 'killPod', reason: 'PodFinished' }] : [] };
}

function sandboxPlan(pod: Pod, obs: PodObservation): PodPlan {
  const action = sandboxAction(pod, obs);
  if (action === 'kill-pod') return { stage: 'sandbox', actions: [{ type: 'killPod', reason: 'SandboxDied' }] };
  const reason = action === 'recreate' ? 'SandboxChanged' : 'SandboxMissing';
  const actions: PodAction[] = [];
  if (obs.all.length > 0) actions.push({ type: 'killPod', reason });
  const stale = [...obs.sandboxes.map((s) => s.id), ...initAttempts(pod, obs).map((a) => a.id)];
  if (stale.length > 0) actions.push({ type: 'removeContainers', ids: stale, reason: 'SandboxChanged' });
  actions.push({ type: 'createSandbox', attempt: (obs.sandboxes[0]?.identity.restartCount ?? -1) + 1, reason });
  return { stage: 'sandbox', actions };
}

/** Init containers run again, all of them, in a new sandbox. */
function initAttempts(pod: Pod, obs: PodObservation): AttemptSummary[] {
  return (pod.spec.initContainers ?? []).flatMap((c) => obs.containers.get(c.name)?.attempts ?? []);
}

function containerActions(pod: Pod, observed: ObservedPod, restarts: RestartState, nowMs: number): PodAction[] {
  if (regularContainersDone(pod, observed.runtime)) return stopSidecars(pod, observed.runtime);
  const inits = initActions(pod, observed, restarts, nowMs);
  if (inits.blocked) return inits.list;
  const regular = pod.spec.containers.flatMap((c) => syncContainer(pod, c, 'regular', seenOf(observed.runtime, c), restarts, nowMs));
  return [...inits.list, ...regular];
}

/**
 * The init containers' actions, in order. `blocked` while one has still to finish (or, a
 * sidecar, to start) before the next may run: the regular containers wait too. Once the pod
 * is initialized only the sidecars are looked after.
 */
function initActions(pod: Pod, observed: ObservedPod, restarts: RestartState, nowMs: number): { list: PodAction[]; blocked: boolean } {
  const wasInitialized = initDone(pod, observed);
  const list: PodAction[] = [];
  for (const c of pod.spec.initContainers ?? []) {
    if (wasInitialized && !isSidecar(c)) continue;
    const seen = seenOf(observed.runtime, c);
    list.push(...syncContainer(pod, c, isSidecar(c) ? 'sidecar' : 'init', seen, restarts, nowMs));
    if (!wasInitialized && !initStepDone(c, seen, observed)) return { list, blocked: true };
  }
  return { list, blocked: false };
}

function seenOf(obs: PodObservation, c: Container): ObservedAttempts {
  return obs.containers.get(c.name) ?? { attempts: [] };
}

/**
 * Whether the init containers are done, as the kubelet's computeInitContainerActions decides
 * it: an app container created or running means they ran; an exited one does not (its sandbox
 * may have been replaced since, and the init containers purged), so their own states decide.
 */
function initDone(pod: Pod, observed: ObservedPod): boolean {
  const live = (name: string): boolean => {
    const cur = observed.runtime.containers.get(name)?.current;
    return cur !== undefined && !hasExited(cur);
  };
  if (pod.spec.containers.some((c) => live(c.name))) return true;
  const inits: Record<string, ObservedContainer> = {};
  for (const c of pod.spec.initContainers ?? []) inits[c.name] = observedContainer(observed, c.name);
  return isInitialized(pod, inits);
}

function observedContainer(observed: ObservedPod, name: string): ObservedContainer {
  const seen = observed.runtime.containers.get(name);
  const cur = seen?.current;
  const probes = cur?.running ? { started: !observed.notStarted?.has(cur.id) } : undefined;
  return { current: cur, previous: seen?.previous, probes };
}

/** Whether the next init container may start: this one succeeded, or (a sidecar) runs and has started. */
function initStepDone(c: Container, seen: ObservedAttempts, observed: ObservedPod): boolean {
  const cur = seen.current;
  if (!cur) return false;
  if (!isSidecar(c)) return hasExited(cur) && cur.exitCode === 0 && !cur.error;
  return cur.running && !observed.notStarted?.has(cur.id);
}

/** Every regular container exited and none will restart: the pod is over once its sidecars stop. */
function regularContainersDone(pod: Pod, obs: PodObservation): boolean {
  if (!(pod.spec.initContainers ?? []).some(isSidecar)) return false;
  return pod.spec.containers.every((c) => {
    const cur = obs.containers.get(c.name)?.current;
    return cur !== undefined && hasExited(cur) && !policyRestarts(pod.spec.restartPolicy, cur.exitCode);
  });
}

function stopSidecars(pod: Pod, obs: PodObservation): PodAction[] {
  const sidecars = new Set((pod.spec.initContainers ?? []).filter(isSidecar).map((c) => c.name));
  const live = obs.all.filter((c) => sidecars.has(c.identity.containerName) && c.status === 'running');
  return live.length > 0 ? [{ type: 'stopSidecars', ids: live.map((c) => c.id), reason: 'RegularContainersDone' }] : [];
}

/** One container's actions: keep, start, replace, restart, or wait out its backoff. */
function syncContainer(pod: Pod, c: Container, role: ContainerRole, seen: ObservedAttempts, restarts: RestartState, nowMs: number): PodAction[] {
  const cur = seen.current;
  if (!cur) return [{ type: 'startContainer', name: c.name, role, restartCount: 0, reason: 'NotCreated' }];
  const next = (identityOf(cur.labels)?.restartCount ?? 0) + 1;
  if (cur.running) return syncRunning(pod, c, role, cur, next);
  // Created but never started: the agent stopped between the two calls.
  if (!hasExited(cur)) return [{ type: 'startCreated', name: c.name, id: cur.id, reason: 'CreatedNotStarted' }];
  return restartExited(pod, c, role, cur, next, restarts, nowMs);
}

/** A running container is kept unless its spec changed (e.g. a new image): then it is replaced, as the kubelet does. */
function syncRunning(pod: Pod, c: Container, role: ContainerRole, cur: ContainerDetails, next: number): PodAction[] {
  if (identityOf(cur.labels)?.hash === containerHash(c)) return [{ type: 'keepContainer', name: c.name, reason: 'Running' }];
  const kill: PodAction = { type: 'killContainer', name: c.name, id: cur.id, reason: 'SpecChanged', message: `Container ${c.name} definition changed, will be restarted` };
  if (containerRestartPolicy(pod.spec, c, role !== 'regular') === 'Never') return [kill];
  return [kill, { type: 'startContainer', name: c.name, role, restartCount: next, reason: 'SpecChanged' }];
}

function restartExited(pod: Pod, c: Container, role: ContainerRole, cur: ContainerDetails, next: number, restarts: RestartState, nowMs: number): PodAction[] {
  if (!policyRestarts(containerRestartPolicy(pod.spec, c, role !== 'regular'), cur.exitCode)) return [{ type: 'keepContainer', name: c.name, reason: 'ExitedForGood' }];
  const finishedAtMs = Date.parse(cur.finishedAt ?? '') || nowMs;
  const backoff = restarts.backoffOf(c.name, finishedAtMs);
  if (backoff) return [{ type: 'waitBackoff', name: c.name, id: cur.id, ...backoff }];
  return [{ type: 'startContainer', name: c.name, role, restartCount: next, reason: 'Restart', exited: { exitCode: cur.exitCode, finishedAtMs } }];
}

/** Keeps the newest two attempts of each container (current and lastState) and the newest sandbox. */
function pruneActions(obs: PodObservation): PodAction[] {
  const stale: AttemptSummary[] = obs.sandboxes.slice(1).filter((s) => s.status !== 'running');
  for (const seen of obs.containers.values()) stale.push(...seen.attempts.slice(2).filter((a) => a.status !== 'running'));
  return stale.length > 0 ? [{ type: 'removeContainers', ids: stale.map((c) => c.id), reason: 'Pruned' }] : [];
}

/**
 * Whether a failed liveness or startup probe kills the container (`killForRestart`): only
 * while the pod runs and the probed attempt is still the running one.
 */
export function probeKillAction(pod: Pod | undefined, name: string, details: ContainerDetails | undefined, message: string): KillContainerAction | undefined {
  const spec = pod && [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === name);
  if (!spec || !details?.running) return undefined;
  return { type: 'killContainer', name, id: details.id, reason: 'ProbeFailed', message };
}
