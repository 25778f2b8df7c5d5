/**
 * One pod's lifecycle on this node, as an explicit state loop (STYLE rule 2):
 *
 *   running ──(deletionTimestamp, or no longer desired)──► terminating ──► done
 *
 * `running` converges Docker to the pod (pause container, then each app container with its
 * image, restart policy and backoff) and reports status changes; `terminating` stops every
 * container gracefully, removes them and reports the pod terminated. Every pass reads the
 * runtime afresh (level-triggered); a pass interrupted anywhere is simply redone.
 *
 * Two signals (STYLE rule 8): the agent's signal ends the loop and leaves containers as they
 * are; the pod's kill signal only cancels in-flight convergence (a pull, a create) so that
 * termination starts at once.
 */
import type { Container, Pod, PodStatus } from '../../api/core-v1';
import { NameConflictError, type ContainerDetails, type ContainerRuntime } from '../runtime/container-runtime';
import type { Clock } from './clock';
import { rfc3339 } from './clock';
import { appContainerSpec, containerHash, sandboxSpec } from './container-spec';
import { identityOf, SANDBOX_NAME } from './docker-labels';
import type { ImagePuller } from './image-puller';
import { PodObserver, type AttemptSummary, type ObservedAttempts, type PodObservation } from './pod-observation';
import type { PodReporter } from './pod-sink';
import { computePodStatus, hasExited, type ObservedContainer, type WaitingReason } from './pod-status';
import { gracePeriodSeconds, stopPodContainers } from './pod-termination';
import { crashLoopMessage, type RestartPolicy } from './restart-policy';
import { Wakeup } from './wakeup';

/** What every worker of one manager shares. */
export interface PodWorkerContext {
  runtime: ContainerRuntime;
  reporter: PodReporter;
  clock: Clock;
  images: ImagePuller;
  restarts: RestartPolicy;
  nodeName: string;
  hostIP: string;
  cgroupParent: string;
  pauseImage: string;
  log: (message: string) => void;
}

type WorkerState = 'running' | 'terminating' | 'done';

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

function errorText(err: unknown): string {
  if (err instanceof AggregateError) return `${err.message}: ${err.errors.map(errorText).join('; ')}`;
  return err instanceof Error ? err.message : String(err);
}

export class PodWorker {
  private state: WorkerState = 'running';
  /** The pod as last desired; undefined once it left the desired set (or for an orphan). */
  private desired: Pod | undefined;
  /** The last pod object seen, kept for its grace period and deletion after it left. */
  private lastPod: Pod | undefined;
  private readonly podKill = new AbortController();
  private readonly wake = new Wakeup();
  private readonly observer: PodObserver;
  private readonly waiting = new Map<string, WaitingReason>();
  private lastStatus: PodStatus | undefined;
  private lastReported: string | undefined;
  private podIP: string | undefined;
  private readonly startTime: string;
  /** The earliest time a backoff expires and the pod wants another pass. */
  private wakeAtMs: number | undefined;
  /** Resolves once the loop has ended (done, or the agent stopping). */
  readonly finished: Promise<void>;

  constructor(private readonly ctx: PodWorkerContext, readonly podUid: string, pod: Pod | undefined, private readonly agentSignal: AbortSignal) {
    this.observer = new PodObserver(ctx.runtime, podUid);
    this.lastStatus = pod?.status;
    this.startTime = pod?.status?.startTime ?? rfc3339(ctx.clock.now());
    this.podIP = pod?.status?.podIP;
    this.update(pod);
    this.finished = this.run();
  }

  get isDone(): boolean {
    return this.state === 'done';
  }

  /** The pod as now desired; undefined when it left the desired set. */
  update(pod: Pod | undefined): void {
    this.desired = pod;
    if (pod) this.lastPod = pod;
    if (!pod || pod.metadata.deletionTimestamp) this.podKill.abort(new Error('pod is being deleted'));
    this.wake.poke();
  }

  /** Asks for a pass soon (a runtime event, the periodic resync). */
  poke(): void {
    this.wake.poke();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.agentSignal.aborted && this.state !== 'done') {
      if (this.state === 'running' && this.podKill.signal.aborted) this.state = 'terminating';
      try {
        if (this.state === 'running') await this.sync(this.desired as Pod, AbortSignal.any([this.agentSignal, this.podKill.signal]));
        else if (this.state === 'terminating') await this.terminate(this.agentSignal);
        failures = 0;
      } catch (err) {
        if (this.agentSignal.aborted || (this.state === 'running' && this.podKill.signal.aborted)) continue;
        failures++;
        this.ctx.log(`pod ${this.describe()}: ${this.state} failed (attempt ${failures}): ${errorText(err)}`);
      }
      if (!this.isDone) await this.wake.wait(this.nextWaitMs(failures), this.agentSignal);
    }
  }

  private nextWaitMs(failures: number): number | undefined {
    if (failures > 0) return Math.min(RETRY_MIN_MS * 2 ** (failures - 1), RETRY_MAX_MS);
    const at = this.wakeAtMs;
    this.wakeAtMs = undefined;
    return at === undefined ? undefined : at - this.ctx.clock.now();
  }

  private wakeAt(ms: number): void {
    this.wakeAtMs = this.wakeAtMs === undefined ? ms : Math.min(this.wakeAtMs, ms);
  }

  private describe(): string {
    const meta = this.lastPod?.metadata;
    return meta ? `${meta.namespace}/${meta.name} (${this.podUid})` : this.podUid;
  }

  // ── running ────────────────────────────────────────────────────────────────────────────

  private async sync(pod: Pod, signal: AbortSignal): Promise<void> {
    let obs = await this.observer.observe(signal);
    this.report(pod, obs, false);
    if (this.lastStatus?.phase === 'Succeeded' || this.lastStatus?.phase === 'Failed') return this.releaseSandbox(obs, signal);
    if (pod.spec.initContainers?.length) return this.holdForInitContainers(pod, obs);
    const sandbox = await this.ensureSandbox(pod, obs, signal);
    if (sandbox.created) obs = await this.observer.observe(signal);
    let acted = sandbox.created;
    for (const c of pod.spec.containers) {
      const changed = await this.syncContainer(pod, c, obs.containers.get(c.name) ?? { attempts: [] }, sandbox.details, signal);
      acted = changed || acted;
    }
    await this.collectGarbage(obs, signal);
    if (acted) this.report(pod, await this.observer.observe(signal), false);
  }

  /** A pod that ran to completion keeps its exited containers but not its network. */
  private async releaseSandbox(obs: PodObservation, signal: AbortSignal): Promise<void> {
    if (obs.sandbox?.running) await this.ctx.runtime.stopContainer(obs.sandbox.id, { signal: 'SIGKILL', timeoutSeconds: 0 }, signal);
  }

  private holdForInitContainers(pod: Pod, obs: PodObservation): void {
    for (const c of pod.spec.containers) this.waiting.set(c.name, { reason: 'PodInitializing' });
    this.report(pod, obs, false);
  }

  /** A running pause container with an address; recreated (with every app container stopped) when it died. */
  private async ensureSandbox(pod: Pod, obs: PodObservation, signal: AbortSignal): Promise<{ details: ContainerDetails; created: boolean }> {
    if (obs.sandbox?.running) {
      this.notePodIP(pod, obs.sandbox);
      return { details: obs.sandbox, created: false };
    }
    try {
      return { details: await this.createSandbox(pod, obs, signal), created: true };
    } catch (err) {
      if (signal.aborted) throw err;
      const message = `failed to create pod sandbox: ${errorText(err)}`;
      for (const c of pod.spec.containers) this.waiting.set(c.name, { reason: 'ContainerCreating', message });
      this.report(pod, obs, false);
      throw err;
    }
  }

  private async createSandbox(pod: Pod, obs: PodObservation, signal: AbortSignal): Promise<ContainerDetails> {
    const grace = gracePeriodSeconds(pod);
    // App containers share the dead sandbox's network namespace: they cannot outlive it.
    await stopPodContainers(this.ctx.runtime, obs.all, grace, signal);
    for (const old of obs.sandboxes) await this.ctx.runtime.removeContainer(old.id, signal);
    const image = await this.ctx.images.ensure(this.podUid, { name: SANDBOX_NAME, image: this.ctx.pauseImage, imagePullPolicy: 'IfNotPresent' }, signal);
    if (!image.ok) throw new Error(`pause image: ${image.reason}: ${image.message}`);
    const attempt = (obs.sandboxes[0]?.identity.restartCount ?? -1) + 1;
    const spec = sandboxSpec(pod, { pauseImage: image.ref, cgroupParent: this.ctx.cgroupParent, attempt, gracePeriodSeconds: grace });
    const id = await this.ctx.runtime.createContainer(spec, signal);
    await this.ctx.runtime.startContainer(id, signal);
    const details = await this.ctx.runtime.inspectContainer(id, signal);
    if (!details?.running) throw new Error(`pause container ${id} is not running: ${details?.error ?? `exit code ${details?.exitCode}`}`);
    this.notePodIP(pod, details);
    return details;
  }

  /** The pod's address: the pause container's, or the node's for a hostNetwork pod. */
  private notePodIP(pod: Pod, sandbox: ContainerDetails): void {
    this.podIP = pod.spec.hostNetwork ? this.ctx.hostIP : sandbox.ipAddress || this.podIP;
  }

  /** Converges one app container; true when it created or started something. */
  private async syncContainer(pod: Pod, c: Container, seen: ObservedAttempts, sandbox: ContainerDetails, signal: AbortSignal): Promise<boolean> {
    const cur = seen.current;
    const next = cur ? (identityOf(cur.labels)?.restartCount ?? 0) + 1 : 0;
    if (cur?.running) {
      if (identityOf(cur.labels)?.hash === containerHash(c)) return this.clearWaiting(c.name);
      // The spec changed (e.g. a new image): replace the container, as the kubelet does.
      await this.ctx.runtime.stopContainer(cur.id, { signal: cur.stopSignal, timeoutSeconds: gracePeriodSeconds(pod) }, signal);
      return pod.spec.restartPolicy === 'Never' ? true : this.startContainer(pod, c, next, sandbox, signal);
    }
    if (cur && !hasExited(cur)) {
      // Created but never started: the agent stopped between the two calls.
      await this.ctx.runtime.startContainer(cur.id, signal);
      return true;
    }
    if (cur) return this.restartExited(pod, c, cur, next, sandbox, signal);
    return this.startContainer(pod, c, 0, sandbox, signal);
  }

  private clearWaiting(name: string): false {
    this.waiting.delete(name);
    return false;
  }

  private async restartExited(pod: Pod, c: Container, cur: ContainerDetails, next: number, sandbox: ContainerDetails, signal: AbortSignal): Promise<boolean> {
    const finishedAtMs = Date.parse(cur.finishedAt ?? '') || this.ctx.clock.now();
    const exited = { key: `${this.podUid}/${c.name}`, exitCode: cur.exitCode, finishedAtMs };
    const decision = this.ctx.restarts.decide(pod.spec.restartPolicy, exited);
    if (decision.action === 'keep-exited') return this.clearWaiting(c.name);
    if (decision.action === 'backoff') {
      const meta = { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: this.podUid };
      this.waiting.set(c.name, { reason: 'CrashLoopBackOff', message: crashLoopMessage(decision.delayMs, c.name, meta) });
      this.wakeAt(decision.untilMs);
      return false;
    }
    const created = await this.startContainer(pod, c, next, sandbox, signal);
    if (created) this.ctx.restarts.restarted(exited);
    return created;
  }

  /** Image, spec, create, start. True when a container was created (even if it failed to start). */
  private async startContainer(pod: Pod, c: Container, restartCount: number, sandbox: ContainerDetails, signal: AbortSignal): Promise<boolean> {
    const image = await this.ctx.images.ensure(this.podUid, c, signal);
    if (!image.ok) {
      this.waiting.set(c.name, { reason: image.reason, message: image.message });
      if (image.retryAtMs !== undefined) this.wakeAt(image.retryAtMs);
      return false;
    }
    const spec = appContainerSpec(pod, c, {
      pod, nodeName: this.ctx.nodeName, hostIP: this.ctx.hostIP, podIP: this.podIP, imageRef: image.ref,
      cgroupParent: this.ctx.cgroupParent, sandboxId: sandbox.id, restartCount, gracePeriodSeconds: gracePeriodSeconds(pod),
    });
    if (!spec.ok) {
      this.waiting.set(c.name, { reason: spec.reason, message: spec.message });
      return false;
    }
    return this.createAndStart(c.name, spec.spec, signal);
  }

  private async createAndStart(name: string, spec: Parameters<ContainerRuntime['createContainer']>[0], signal: AbortSignal): Promise<boolean> {
    let id: string;
    try {
      id = await this.ctx.runtime.createContainer(spec, signal);
    } catch (err) {
      if (err instanceof NameConflictError) return true; // it exists: the next pass adopts it
      if (signal.aborted) throw err;
      this.waiting.set(name, { reason: 'CreateContainerError', message: errorText(err) });
      return false;
    }
    this.waiting.delete(name);
    try {
      await this.ctx.runtime.startContainer(id, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      // The runtime keeps the start error on the container: status shows it as StartError.
      this.ctx.log(`pod ${this.describe()}: container ${name} did not start: ${errorText(err)}`);
    }
    return true;
  }

  /** Keeps the newest two attempts of each container (current and lastState) and the newest sandbox. */
  private async collectGarbage(obs: PodObservation, signal: AbortSignal): Promise<void> {
    const stale: AttemptSummary[] = obs.sandboxes.slice(1).filter((s) => s.status !== 'running');
    for (const seen of obs.containers.values()) stale.push(...seen.attempts.slice(2).filter((a) => a.status !== 'running'));
    for (const c of stale) await this.ctx.runtime.removeContainer(c.id, signal);
  }

  // ── terminating ────────────────────────────────────────────────────────────────────────

  private async terminate(signal: AbortSignal): Promise<void> {
    const obs = await this.observer.observe(signal);
    await stopPodContainers(this.ctx.runtime, obs.all, this.terminationGrace(obs), signal);
    const deleted = this.desired?.metadata.deletionTimestamp ? this.desired : undefined;
    this.waiting.clear();
    if (deleted) this.report(deleted, await this.observer.observe(signal), true);
    await this.removeAll(obs, signal);
    this.ctx.restarts.forgetPod(this.podUid);
    this.ctx.images.forgetPod(this.podUid);
    this.state = 'done';
    if (this.lastPod?.metadata.deletionTimestamp) this.ctx.reporter.reportTerminated(this.lastPod);
  }

  /** The pod's grace period; for an orphan known only from labels, the shortest recorded. */
  private terminationGrace(obs: PodObservation): number {
    if (this.lastPod) return gracePeriodSeconds(this.lastPod);
    return Math.min(30, ...obs.all.map((c) => c.identity.gracePeriodSeconds));
  }

  /** Removes every container, then checks none is left (a create racing the kill). */
  private async removeAll(obs: PodObservation, signal: AbortSignal): Promise<void> {
    const errors: unknown[] = [];
    for (const c of obs.all) await this.ctx.runtime.removeContainer(c.id, signal).catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw new AggregateError(errors, 'removing containers failed');
    const left = await this.observer.observe(signal);
    if (left.all.length > 0) throw new Error(`${left.all.length} container(s) appeared while terminating`);
  }

  // ── status ─────────────────────────────────────────────────────────────────────────────

  private report(pod: Pod, obs: PodObservation, terminal: boolean): void {
    const sandboxReady = obs.sandbox?.running === true;
    if (sandboxReady && obs.sandbox) this.notePodIP(pod, obs.sandbox);
    const status = computePodStatus({
      pod, hostIP: this.ctx.hostIP, nowMs: this.ctx.clock.now(), startTime: this.startTime, podIP: this.podIP, sandboxReady,
      containers: this.observedContainers(pod, obs), imageIdOf: (d) => this.observer.imageIdOf(d), previous: this.lastStatus, terminal,
    });
    this.lastStatus = status;
    const json = JSON.stringify(status);
    if (json === this.lastReported) return;
    this.lastReported = json;
    this.ctx.reporter.reportStatus(pod, status);
  }

  private observedContainers(pod: Pod, obs: PodObservation): Record<string, ObservedContainer> {
    const containers: Record<string, ObservedContainer> = {};
    for (const c of pod.spec.containers) {
      const seen = obs.containers.get(c.name);
      containers[c.name] = { current: seen?.current, previous: seen?.previous, waiting: this.waiting.get(c.name) };
    }
    return containers;
  }
}
