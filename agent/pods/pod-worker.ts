/**
 * One pod's lifecycle on this node, as an explicit state loop (STYLE rule 2):
 *
 *   running ──(deletionTimestamp, or no longer desired)──► terminating ──► done
 *
 * `running` converges Docker to the pod as the kubelet's SyncPod does: volumes, the pause
 * container (and the pod's resolv.conf, formed afresh for each new one), then the init
 * containers one at a time in order (a sidecar — an init container with restartPolicy
 * Always — must be started before the next one and keeps running), then the regular
 * containers, each with its restart policy and CrashLoopBackOff; when the regular containers
 * are done for good the sidecars are stopped and the pod is over. A dead pause container is
 * replaced as the kubelet does (sandbox-recreation.ts): every container killed, the init
 * containers run again; a Never pod is killed instead. Every pass reads the runtime
 * afresh (level-triggered); a pass interrupted anywhere is simply redone.
 * `terminating` stops every container (preStop hooks, sidecars last), removes them and the
 * pod's volumes, and reports the pod terminated.
 *
 * Two signals (STYLE rule 8): the agent's signal ends the loop and leaves containers as they
 * are; the pod's kill signal only cancels in-flight convergence (a pull, a hook) so that
 * termination starts at once.
 */
import type { Container, Pod, PodStatus } from '../../api/core-v1';
import type { ContainerDetails, ContainerRuntime } from '../runtime/container-runtime';
import type { PodCgroups } from '../cgroups/pod-cgroups';
import type { PodVolumes } from '../volumes/pod-volumes';
import type { Clock } from '../../base/clock';
import { rfc3339 } from './kube-time';
import { killContainer, type KillDeps } from './container-killer';
import { containerHash, sandboxSpec } from './container-spec';
import { startContainer, type StartOutcome, type StarterDeps } from './container-starter';
import { identityOf, SANDBOX_NAME } from './docker-labels';
import type { ImagePuller } from './image-puller';
import { PodEventLog, type EventSpec } from './pod-event-log';
import { containerEvents } from './pod-events';
import { PodObserver, type AttemptSummary, type ObservedAttempts, type PodObservation } from './pod-observation';
import { isSidecar } from './pod-phase';
import type { PodProbes, ProbedWorker } from './pod-probes';
import type { PodReporter } from './pod-sink';
import { computePodStatus, hasExited, isInitialized, type ObservedContainer, type WaitingReason } from './pod-status';
import { gracePeriodSeconds, stopContainers, stopPod } from './pod-termination';
import { containerKey, containerRestartPolicy, crashLoopMessage, policyRestarts, type RestartPolicy } from './restart-policy';
import type { PodResolvConf } from './pod-resolv-conf';
import type { SandboxNetwork } from './sandbox-network';
import { sandboxAction } from './sandbox-recreation';
import type { ServiceSource } from './service-env';
import { Wakeup } from './wakeup';

/** What every worker of one manager shares. */
export interface PodWorkerContext {
  runtime: ContainerRuntime;
  reporter: PodReporter;
  clock: Pick<Clock, 'now'>;
  images: ImagePuller;
  restarts: RestartPolicy;
  volumes?: PodVolumes;
  probes?: PodProbes;
  /** Pod-level cgroups (QoS classes); without them containers go right under `cgroupParent`. */
  podCgroups?: PodCgroups;
  /** The pod network sandboxes join; absent: Docker's default bridge. */
  network?: SandboxNetwork;
  /** Each pod's resolv.conf, mounted into its containers; absent: Docker's own. */
  dns?: PodResolvConf;
  /** The services behind the containers' service variables; absent: none. */
  services?: ServiceSource;
  nodeName: string;
  hostIP: string;
  cgroupParent: string;
  pauseImage: string;
  log: (message: string) => void;
}

type WorkerState = 'running' | 'terminating' | 'done';

/** What a container start needs of the pod: its sandbox, volumes and resolv.conf. */
interface PodSetUp {
  sandbox: ContainerDetails;
  volumePaths: Map<string, string>;
  resolvConf?: string;
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** Volume set-up failures are retried at this pace (the kubelet retries mounts every few seconds). */
const VOLUME_RETRY_MS = 5_000;
/** A pod waiting for the node's pod network looks again at this pace. */
const NETWORK_RETRY_MS = 1_000;
/** DNS warnings (limits exceeded, no cluster DNS) are said again at most this often. */
const DNS_WARNING_WINDOW_MS = 60_000;

function errorText(err: unknown): string {
  if (err instanceof AggregateError) return `${err.message}: ${err.errors.map(errorText).join('; ')}`;
  return err instanceof Error ? err.message : String(err);
}

function specsOf(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
}

export class PodWorker implements ProbedWorker {
  private state: WorkerState = 'running';
  /** The pod as last desired; undefined once it left the desired set (or for an orphan). */
  private desired: Pod | undefined;
  /** The last pod object seen, kept for its grace period and deletion after it left. */
  private lastPod: Pod | undefined;
  private readonly podKill = new AbortController();
  private readonly wake = new Wakeup();
  private readonly observer: PodObserver;
  private readonly events: PodEventLog;
  private readonly waiting = new Map<string, WaitingReason>();
  /** Exits already announced (OOMKilling) or backed off (BackOff), by container id. */
  private readonly noted = new Set<string>();
  /** When this worker (this agent process) started: exits before it were another process's to announce. */
  private readonly bornAtMs: number;
  private lastStatus: PodStatus | undefined;
  private lastReported: string | undefined;
  private podIP: string | undefined;
  /** The pod's cgroup, made before its first container of this worker's life. */
  private podCgroup: string | undefined;
  private readonly startTime: string;
  /** The earliest time a backoff expires and the pod wants another pass. */
  private wakeAtMs: number | undefined;
  /** Resolves once the loop has ended (done, or the agent stopping). */
  readonly finished: Promise<void>;

  constructor(private readonly ctx: PodWorkerContext, readonly podUid: string, pod: Pod | undefined, private readonly agentSignal: AbortSignal) {
    this.observer = new PodObserver(ctx.runtime, podUid);
    this.events = new PodEventLog(ctx.reporter, ctx.clock);
    this.bornAtMs = ctx.clock.now();
    this.lastStatus = pod?.status;
    this.startTime = pod?.status?.startTime ?? rfc3339(ctx.clock.now());
    this.podIP = pod?.status?.podIP;
    this.update(pod);
    this.finished = this.run();
  }

  get isDone(): boolean {
    return this.state === 'done';
  }

  /** The pod as now desired (undefined once it left the desired set). */
  get pod(): Pod | undefined {
    return this.desired;
  }

  /** The pod as now desired; undefined when it left the desired set. */
  update(pod: Pod | undefined): void {
    this.desired = pod;
    if (pod) this.lastPod = pod;
    if (!pod || pod.metadata.deletionTimestamp) this.podKill.abort(new Error('pod is being deleted'));
    if (pod) this.ctx.probes?.podChanged(pod);
    this.wake.poke();
  }

  /** A probe's event (Unhealthy, ProbeWarning) about one of the pod's containers. */
  probeEvent(containerName: string, event: EventSpec): void {
    if (this.desired && this.state === 'running') this.events.container(this.desired, containerName, event);
  }

  /** Asks for a pass soon (a runtime event, the periodic resync, a probe result). */
  poke(): void {
    this.wake.poke();
  }

  /**
   * Kills a running container so that its restart policy applies (a failed liveness or
   * startup probe). `message` is the Killing event's, e.g. `Container web failed liveness
   * probe, will be restarted`. Ignored unless the pod is running and the id is current.
   */
  async killForRestart(containerName: string, containerId: string, message: string, graceSeconds?: number): Promise<void> {
    const pod = this.desired;
    if (!pod || this.state !== 'running' || this.podKill.signal.aborted) return;
    const spec = specsOf(pod).find((c) => c.name === containerName);
    const details = await this.ctx.runtime.inspectContainer(containerId, this.podKill.signal);
    if (!spec || !details?.running) return;
    const target = { id: containerId, stopSignal: details.stopSignal, pod, container: spec, podIP: this.podIP };
    await killContainer(this.killDeps(), target, { graceSeconds: graceSeconds ?? gracePeriodSeconds(pod), message }, this.podKill.signal);
    this.poke();
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

  private killDeps(): KillDeps {
    return { runtime: this.ctx.runtime, events: this.events, clock: this.ctx.clock, log: this.ctx.log };
  }

  private async starterDeps(pod: Pod): Promise<StarterDeps> {
    const { runtime, images, volumes, clock, nodeName, hostIP, services, log } = this.ctx;
    return { runtime, images, volumes, events: this.events, clock, nodeName, hostIP, cgroupParent: await this.cgroupParentOf(pod), services, log };
  }

  /** The pod cgroup (created with the pod's limits) when pod cgroups are on, else the node's cgroup root. */
  private async cgroupParentOf(pod: Pod): Promise<string> {
    if (!this.ctx.podCgroups) return this.ctx.cgroupParent;
    this.podCgroup ??= await this.ctx.podCgroups.ensure(pod);
    return this.podCgroup;
  }

  // ── running ────────────────────────────────────────────────────────────────────────────

  private async sync(pod: Pod, signal: AbortSignal): Promise<void> {
    let obs = await this.observer.observe(signal);
    this.noteExits(pod, obs);
    this.report(pod, obs, false);
    if (this.lastStatus?.phase === 'Succeeded' || this.lastStatus?.phase === 'Failed') return this.releasePod(pod, obs, signal);
    const volumePaths = await this.setUpVolumes(pod, obs, signal);
    if (!volumePaths) return;
    const sandbox = await this.ensureSandbox(pod, obs, signal);
    if (!sandbox) return;
    if (sandbox.created) obs = await this.observer.observe(signal);
    const setUp: PodSetUp = { sandbox: sandbox.details, volumePaths, resolvConf: this.ensureResolvConf(pod) };
    let acted = sandbox.created;
    if (this.regularContainersDone(pod, obs)) acted = (await this.stopSidecars(pod, obs, signal)) || acted;
    else acted = (await this.syncContainers(pod, obs, setUp, signal)) || acted;
    await this.collectGarbage(obs, signal);
    if (acted) obs = await this.observer.observe(signal);
    this.report(pod, obs, false);
    this.ctx.probes?.sync(pod, this.runningContainers(pod, obs), this.podIP);
  }

  /** Init containers in order, then (once initialized) the regular ones. True when something was created or stopped. */
  private async syncContainers(pod: Pod, obs: PodObservation, setUp: PodSetUp, signal: AbortSignal): Promise<boolean> {
    const wasInitialized = this.initDone(pod, obs);
    let acted = false;
    for (const c of pod.spec.initContainers ?? []) {
      const seen = obs.containers.get(c.name) ?? { attempts: [] };
      if (wasInitialized && !isSidecar(c)) continue;
      acted = (await this.syncContainer(pod, c, seen, true, setUp, signal)) || acted;
      if (!wasInitialized && !this.initStepDone(pod, c, seen)) return acted;
    }
    for (const c of pod.spec.containers) {
      acted = (await this.syncContainer(pod, c, obs.containers.get(c.name) ?? { attempts: [] }, false, setUp, signal)) || acted;
    }
    return acted;
  }

  /**
   * Whether the init containers are done, as the kubelet's computeInitContainerActions decides
   * it: an app container created or running means they ran; an exited one does not (its sandbox
   * may have been replaced since, and the init containers purged), so their own states decide.
   */
  private initDone(pod: Pod, obs: PodObservation): boolean {
    const live = (name: string): boolean => {
      const cur = obs.containers.get(name)?.current;
      return cur !== undefined && !hasExited(cur);
    };
    if (pod.spec.containers.some((c) => live(c.name))) return true;
    const inits = new Set((pod.spec.initContainers ?? []).map((c) => c.name));
    const observed = Object.entries(this.observedContainers(pod, obs)).filter(([name]) => inits.has(name));
    return isInitialized(pod, Object.fromEntries(observed));
  }

  /** Whether the next init container may start: this one succeeded, or (a sidecar) runs and has started. */
  private initStepDone(pod: Pod, c: Container, seen: ObservedAttempts): boolean {
    const cur = seen.current;
    if (!cur) return false;
    if (!isSidecar(c)) return hasExited(cur) && cur.exitCode === 0 && !cur.error;
    return cur.running && (this.ctx.probes?.resultsOf(pod, c.name, cur.id).started ?? true);
  }

  /** Every regular container exited and none will restart: the pod is over once its sidecars stop. */
  private regularContainersDone(pod: Pod, obs: PodObservation): boolean {
    if (!(pod.spec.initContainers ?? []).some(isSidecar)) return false;
    return pod.spec.containers.every((c) => {
      const cur = obs.containers.get(c.name)?.current;
      return cur !== undefined && hasExited(cur) && !policyRestarts(pod.spec.restartPolicy, cur.exitCode);
    });
  }

  private async stopSidecars(pod: Pod, obs: PodObservation, signal: AbortSignal): Promise<boolean> {
    const sidecars = new Set((pod.spec.initContainers ?? []).filter(isSidecar).map((c) => c.name));
    const live = obs.all.filter((c) => sidecars.has(c.identity.containerName) && c.status === 'running');
    if (live.length === 0) return false;
    for (const name of sidecars) this.waiting.delete(name);
    await stopContainers(this.killDeps(), pod, live, { graceSeconds: gracePeriodSeconds(pod), podIP: this.podIP }, signal);
    return true;
  }

  /** A pod that ran to completion keeps its exited containers but not its sidecars or its network. */
  private async releasePod(pod: Pod, obs: PodObservation, signal: AbortSignal): Promise<void> {
    if (!obs.all.some((c) => c.status === 'running')) return;
    for (const c of specsOf(pod)) this.waiting.delete(c.name);
    await stopPod(this.killDeps(), pod, obs.all, { graceSeconds: gracePeriodSeconds(pod), podIP: this.podIP }, signal);
  }

  /** Sets up every volume; on failure every container waits and FailedMount is announced. */
  private async setUpVolumes(pod: Pod, obs: PodObservation, signal: AbortSignal): Promise<Map<string, string> | undefined> {
    if (!pod.spec.volumes?.length) return new Map();
    const result = this.ctx.volumes
      ? await this.ctx.volumes.setUp(pod, signal)
      : { ok: false as const, volume: pod.spec.volumes[0].name, message: 'this node has no state directory for volumes' };
    if (result.ok) return result.paths;
    this.events.container(pod, '', containerEvents.failedMount(result.volume, result.message), 60_000);
    const message = `volume "${result.volume}": ${result.message}`;
    for (const c of specsOf(pod)) if (!obs.containers.get(c.name)?.current) this.waiting.set(c.name, { reason: 'CreateContainerConfigError', message });
    this.report(pod, obs, false);
    this.wakeAt(this.ctx.clock.now() + VOLUME_RETRY_MS);
    return undefined;
  }

  /** A running pause container with an address; recreated (with every container stopped) when it died. */
  private async ensureSandbox(pod: Pod, obs: PodObservation, signal: AbortSignal): Promise<{ details: ContainerDetails; created: boolean } | undefined> {
    if (obs.sandbox?.running) {
      this.notePodIP(pod, obs.sandbox);
      return { details: obs.sandbox, created: false };
    }
    const action = sandboxAction(pod, obs);
    if (action === 'kill-pod') {
      // Its containers share the dead sandbox's network namespace: they cannot outlive it.
      await stopPod(this.killDeps(), pod, obs.all, { graceSeconds: gracePeriodSeconds(pod), podIP: this.podIP }, signal);
      return undefined;
    }
    const network = this.sandboxNetwork(pod, obs);
    if (network === false) return undefined;
    try {
      return { details: await this.createSandbox(pod, obs, network, signal), created: true };
    } catch (err) {
      if (signal.aborted) throw err;
      const message = `failed to create pod sandbox: ${errorText(err)}`;
      for (const c of specsOf(pod)) this.waiting.set(c.name, { reason: 'ContainerCreating', message });
      this.report(pod, obs, false);
      throw err;
    }
  }

  /**
   * The network a new sandbox joins (undefined: Docker's default, or host); false while the
   * pod network is not ready: the pod waits (ContainerCreating) and looks again shortly.
   */
  private sandboxNetwork(pod: Pod, obs: PodObservation): string | undefined | false {
    const network = this.ctx.network;
    if (!network || pod.spec.hostNetwork) return undefined;
    const name = network.networkName();
    if (name !== undefined) return name;
    for (const c of specsOf(pod)) if (!obs.containers.get(c.name)?.current?.running) this.waiting.set(c.name, { reason: 'ContainerCreating', message: network.notReadyReason() });
    this.report(pod, obs, false);
    this.wakeAt(this.ctx.clock.now() + NETWORK_RETRY_MS);
    return false;
  }

  private async createSandbox(pod: Pod, obs: PodObservation, networkName: string | undefined, signal: AbortSignal): Promise<ContainerDetails> {
    const grace = gracePeriodSeconds(pod);
    if (obs.sandboxes.length > 0) this.events.container(pod, '', { type: 'Normal', reason: 'SandboxChanged', message: 'Pod sandbox changed, it will be killed and re-created.' });
    // Containers share the dead sandbox's network namespace: they cannot outlive it.
    await stopPod(this.killDeps(), pod, obs.all, { graceSeconds: grace, podIP: this.podIP }, signal);
    for (const old of obs.sandboxes) await this.ctx.runtime.removeContainer(old.id, signal);
    // Init containers run again, all of them, in the new sandbox.
    for (const c of pod.spec.initContainers ?? []) {
      for (const old of obs.containers.get(c.name)?.attempts ?? []) await this.ctx.runtime.removeContainer(old.id, signal);
    }
    const image = await this.ctx.images.ensure(this.podUid, { name: SANDBOX_NAME, image: this.ctx.pauseImage, imagePullPolicy: 'IfNotPresent' }, signal);
    if (!image.ok) throw new Error(`pause image: ${image.reason}: ${image.message}`);
    // The kubelet forms the pod's DNS config with each new sandbox; a failure fails the sandbox.
    if (this.ctx.dns) this.dnsWarnings(pod, this.ctx.dns.write(pod).warnings);
    const attempt = (obs.sandboxes[0]?.identity.restartCount ?? -1) + 1;
    const spec = sandboxSpec(pod, { pauseImage: image.ref, cgroupParent: await this.cgroupParentOf(pod), attempt, gracePeriodSeconds: grace, networkName });
    const id = await this.ctx.runtime.createContainer(spec, signal);
    await this.ctx.runtime.startContainer(id, signal);
    const details = await this.ctx.runtime.inspectContainer(id, signal);
    if (!details?.running) throw new Error(`pause container ${id} is not running: ${details?.error ?? `exit code ${details?.exitCode}`}`);
    this.notePodIP(pod, details);
    return details;
  }

  /** The pod's resolv.conf, written again only if it went missing since its sandbox was made. */
  private ensureResolvConf(pod: Pod): string | undefined {
    if (!this.ctx.dns) return undefined;
    const written = this.ctx.dns.ensure(pod);
    this.dnsWarnings(pod, written.warnings);
    return written.path;
  }

  /** The kubelet's DNSConfigForming and MissingClusterDNS events; a missing cluster DNS is also logged, once for the pod. */
  private dnsWarnings(pod: Pod, warnings: EventSpec[]): void {
    for (const w of warnings) {
      this.events.container(pod, '', w, DNS_WARNING_WINDOW_MS);
      if (w.reason !== 'MissingClusterDNS' || this.noted.has('dns/missing')) continue;
      this.noted.add('dns/missing');
      this.ctx.log(`pod ${this.describe()}: the cluster DNS address is not known (pod network not ready?): its containers get the node's resolver configuration (dnsPolicy Default)`);
    }
  }

  /** The pod's address: the pause container's, or the node's for a hostNetwork pod. */
  private notePodIP(pod: Pod, sandbox: ContainerDetails): void {
    this.podIP = pod.spec.hostNetwork ? this.ctx.hostIP : sandbox.ipAddress || this.podIP;
  }

  /** Converges one container; true when it created, started or stopped something. */
  private async syncContainer(pod: Pod, c: Container, seen: ObservedAttempts, isInit: boolean, env: PodSetUp, signal: AbortSignal): Promise<boolean> {
    const cur = seen.current;
    const next = cur ? (identityOf(cur.labels)?.restartCount ?? 0) + 1 : 0;
    const policy = containerRestartPolicy(pod.spec, c, isInit);
    if (cur?.running) {
      if (identityOf(cur.labels)?.hash === containerHash(c)) return this.clearWaiting(c.name);
      // The spec changed (e.g. a new image): replace the container, as the kubelet does.
      const target = { id: cur.id, stopSignal: cur.stopSignal, pod, container: c, podIP: this.podIP };
      await killContainer(this.killDeps(), target, { graceSeconds: gracePeriodSeconds(pod), message: `Container ${c.name} definition changed, will be restarted` }, signal);
      return policy === 'Never' ? true : this.start(pod, c, next, env, signal);
    }
    if (cur && !hasExited(cur)) {
      // Created but never started: the agent stopped between the two calls.
      await this.ctx.runtime.startContainer(cur.id, signal);
      return true;
    }
    if (cur) return this.restartExited(pod, c, cur, policy, next, env, signal);
    return this.start(pod, c, 0, env, signal);
  }

  private clearWaiting(name: string): false {
    this.waiting.delete(name);
    return false;
  }

  private async restartExited(pod: Pod, c: Container, cur: ContainerDetails, policy: Pod['spec']['restartPolicy'], next: number, env: PodSetUp, signal: AbortSignal): Promise<boolean> {
    const finishedAtMs = Date.parse(cur.finishedAt ?? '') || this.ctx.clock.now();
    const exited = { key: containerKey(this.podUid, c.name), exitCode: cur.exitCode, finishedAtMs };
    const decision = this.ctx.restarts.decide(policy, exited);
    if (decision.action === 'keep-exited') return this.clearWaiting(c.name);
    if (decision.action === 'backoff') {
      const meta = { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: this.podUid };
      this.waiting.set(c.name, { reason: 'CrashLoopBackOff', message: crashLoopMessage(decision.delayMs, c.name, meta) });
      if (!this.noted.has(`backoff/${cur.id}`)) this.events.container(pod, c.name, containerEvents.backOff(c, pod));
      this.noted.add(`backoff/${cur.id}`);
      this.wakeAt(decision.untilMs);
      return false;
    }
    const created = await this.start(pod, c, next, env, signal);
    if (created) this.ctx.restarts.restarted(exited);
    return created;
  }

  /** Starts an attempt; true when a container was created (even if it failed to start). */
  private async start(pod: Pod, c: Container, restartCount: number, env: PodSetUp, signal: AbortSignal): Promise<boolean> {
    const outcome: StartOutcome = await startContainer(await this.starterDeps(pod), { pod, container: c, restartCount, sandbox: env.sandbox, podIP: this.podIP, volumePaths: env.volumePaths, resolvConf: env.resolvConf }, signal);
    if (outcome.waiting) this.waiting.set(c.name, outcome.waiting);
    else this.waiting.delete(c.name);
    if (!outcome.created && outcome.retryAtMs !== undefined) this.wakeAt(outcome.retryAtMs);
    return outcome.created;
  }

  /** OOMKilling once for each container seen dead of an OOM kill since this worker started. */
  private noteExits(pod: Pod, obs: PodObservation): void {
    for (const c of specsOf(pod)) {
      const cur = obs.containers.get(c.name)?.current;
      if (!cur || !cur.oomKilled || !hasExited(cur) || this.noted.has(`oom/${cur.id}`)) continue;
      this.noted.add(`oom/${cur.id}`);
      if ((Date.parse(cur.finishedAt ?? '') || 0) >= this.bornAtMs - 1000) this.events.container(pod, c.name, containerEvents.oomKilling(c, c.resources?.limits?.memory));
    }
  }

  /** Keeps the newest two attempts of each container (current and lastState) and the newest sandbox. */
  private async collectGarbage(obs: PodObservation, signal: AbortSignal): Promise<void> {
    const stale: AttemptSummary[] = obs.sandboxes.slice(1).filter((s) => s.status !== 'running');
    for (const seen of obs.containers.values()) stale.push(...seen.attempts.slice(2).filter((a) => a.status !== 'running'));
    for (const c of stale) await this.ctx.runtime.removeContainer(c.id, signal);
  }

  private runningContainers(pod: Pod, obs: PodObservation): { name: string; containerId: string; startedAt?: string }[] {
    return specsOf(pod).flatMap((c) => {
      const cur = obs.containers.get(c.name)?.current;
      return cur?.running ? [{ name: c.name, containerId: cur.id, startedAt: cur.startedAt }] : [];
    });
  }

  // ── terminating ────────────────────────────────────────────────────────────────────────

  private async terminate(signal: AbortSignal): Promise<void> {
    const obs = await this.observer.observe(signal);
    const pod = this.lastPod;
    await stopPod(this.killDeps(), pod, obs.all, { graceSeconds: this.terminationGrace(obs), podIP: this.podIP }, signal);
    const deleted = this.desired?.metadata.deletionTimestamp ? this.desired : undefined;
    this.waiting.clear();
    if (deleted) this.report(deleted, await this.observer.observe(signal), true);
    await this.removeAll(obs, signal);
    await this.ctx.volumes?.tearDown(this.podUid, signal);
    // A cgroup still busy (Docker cleaning up) goes at a later resync of the manager.
    await this.ctx.podCgroups?.remove(this.podUid).catch((err: unknown) => this.ctx.log(`pod cgroup of ${this.describe()}: ${(err as Error).message}`));
    this.ctx.probes?.forgetPod(this.podUid);
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
    for (const c of specsOf(pod)) {
      const seen = obs.containers.get(c.name);
      const cur = seen?.current;
      const probes = cur?.running ? this.ctx.probes?.resultsOf(pod, c.name, cur.id) : undefined;
      containers[c.name] = { current: cur, previous: seen?.previous, waiting: this.waiting.get(c.name), probes };
    }
    return containers;
  }
}
