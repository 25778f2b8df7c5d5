/**
 * One pod's lifecycle on this node, as an explicit state loop (STYLE rule 2):
 *
 *   running ──(deletionTimestamp, or no longer desired)──► terminating ──► done
 *
 * `running` converges Docker to the pod as the kubelet's SyncPod does, in four steps per pass:
 * observe the runtime afresh (level-triggered), plan with the pure computePodActions
 * (pod-actions.ts: sandbox, init containers in order, sidecars, restarts and CrashLoopBackOff,
 * spec changes, a finished pod), run the set-up hooks (pod-hooks.ts: volumes, network,
 * resolv.conf, cgroup; the first failure holds the pod and shows on its containers), then
 * execute the plan. A plan that makes a new sandbox is followed, in the same pass, by the
 * containers' plan on a fresh observation. After the pass the synced hooks (probes) follow
 * the running containers. A pass interrupted anywhere is simply redone.
 * `terminating` stops every container (preStop hooks, sidecars last), removes them, runs
 * every tear-down hook (volumes, cgroup, probes; failures reported together), and reports
 * the pod terminated.
 *
 * Fenced (agent/fencing: no control plane for the fencing period, and the pod must not run
 * twice): the `running` state only stops the pod's containers, at most FENCING_STOP_GRACE_SECONDS
 * each, says so once (Warning `Fenced`), and starts nothing until `unfence()`; termination is
 * unaffected. A pass in flight when fencing starts is cut short.
 *
 * Two signals (STYLE rule 8): the agent's signal ends the loop and leaves containers as they
 * are; the pod's kill signal only cancels in-flight convergence (a pull, a hook) so that
 * termination starts at once.
 */
import type { Container, Pod, PodCondition, PodStatus, ResourceList } from '../../api/core-v1';
import type { ConfigSource } from '../config-objects';
import type { ContainerDetails, ContainerRuntime } from '../runtime/container-runtime';
import type { PodCgroups } from '../cgroups/pod-cgroups';
import type { PodVolumes } from '../volumes/pod-volumes';
import type { AtMostOneReason } from '../../api/at-most-one';
import type { Clock } from '../../base/clock';
import { withDisruptionTarget, type DisruptionCause } from '../../api/pod-disruption-condition';
import { FENCING_STOP_GRACE_SECONDS } from '../../base/fencing-times';
import { rfc3339 } from './kube-time';
import { CgroupHook } from './cgroup-hook';
import { killContainer, type KillDeps } from './container-killer';
import { sandboxSpec } from './container-spec';
import { startContainer, type StartOutcome, type StarterDeps } from './container-starter';
import { MANAGED_FILTER, POD_IP_LABEL, SANDBOX_NAME } from './docker-labels';
import type { ImagePuller } from './image-puller';
import { NetworkHook } from './network-hook';
import {
  computePodActions, createsSandbox, probeKillAction,
  type KillContainerAction, type KillPodReason, type ObservedPod, type PodAction, type PodPlan, type RestartState, type StartContainerAction,
} from './pod-actions';
import { PodEventLog, type EventSpec } from './pod-event-log';
import { containerEvents } from './pod-events';
import { runSetUp, runSynced, runTearDown, type HookFailure, type PodHooks, type PodResources, type SetUpContext } from './pod-hooks';
import { PodObserver, type PodObservation } from './pod-observation';
import { isSidecar } from './pod-phase';
import type { PodProbes, ProbedWorker } from './pod-probes';
import type { PodReporter } from './pod-sink';
import { computePodStatus, hasExited, type ObservedContainer, type WaitingReason } from './pod-status';
import { ProbesHook } from './probes-hook';
import { HostPortsHook, type HostPortSink } from './host-ports-hook';
import { gracePeriodSeconds, stopContainers, stopPod } from './pod-termination';
import { containerKey, crashLoopMessage, type RestartPolicy } from './restart-policy';
import type { PodResolvConf } from './pod-resolv-conf';
import { ResolvConfHook } from './resolv-conf-hook';
import type { SandboxNetwork } from './sandbox-network';
import type { VethSandboxes } from '../network/veth-sandboxes';
import type { AddressLease } from '../network/pod-address-pool';
import type { ServiceSource } from './service-env';
import { VolumesHook } from './volumes-hook';
import { Wakeup } from './wakeup';
import { traceStep } from '../../base/step-trace';

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
  /** Where the pods' host ports are published (the service proxy's rules); absent: nowhere. */
  hostPorts?: HostPortSink;
  /** Each pod's resolv.conf, mounted into its containers; absent: Docker's own. */
  dns?: PodResolvConf;
  /** The services behind the containers' service variables; absent: none. */
  services?: ServiceSource;
  /** The ConfigMaps and Secrets delivered to this node; absent: none. */
  config?: ConfigSource;
  /** The node's allocatable resources, for resourceFieldRef; absent: none known. */
  allocatable?: () => ResourceList;
  nodeName: string;
  hostIP: string;
  cgroupParent: string;
  pauseImage: string;
  log: (message: string) => void;
}

type WorkerState = 'running' | 'terminating' | 'done';

/** The kubelet's minimumGracePeriodInSeconds: a kill with a zero grace override still gets this long. */
const MINIMUM_KILL_GRACE_SECONDS = 2;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

function errorText(err: unknown): string {
  if (err instanceof AggregateError) return `${err.message}: ${err.errors.map(errorText).join('; ')}`;
  return err instanceof Error ? err.message : String(err);
}

function specsOf(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
}

function specOf(pod: Pod, name: string): Container | undefined {
  return specsOf(pod).find((c) => c.name === name);
}

/** The cgroup hook sets it whenever the plan makes a sandbox or a container. */
function cgroupParentOf(res: PodResources): string {
  if (res.cgroupParent === undefined) throw new Error('the pod cgroup was not set up before a container was made');
  return res.cgroupParent;
}

/** A containers' plan with the observation it was made from; `acted`: the pass already changed something. */
interface ContainersPass {
  obs: PodObservation;
  plan: PodPlan;
  acted: boolean;
}

/** Whether a set-up failure shows on a container with this current attempt. */
function shows(failure: HookFailure, current: ContainerDetails | undefined): boolean {
  if (failure.shownOn === 'uncreated') return current === undefined;
  return failure.shownOn === 'all' || !current?.running;
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
  private readonly hooks: PodHooks;
  private readonly events: PodEventLog;
  private readonly waiting = new Map<string, WaitingReason>();
  /** Exits already announced (OOMKilling) or backed off (BackOff), by container id. */
  private readonly noted = new Set<string>();
  /** When this worker (this agent process) started: exits before it were another process's to announce. */
  private readonly bornAtMs: number;
  private lastStatus: PodStatus | undefined;
  private lastReported: string | undefined;
  private podIP: string | undefined;
  /** The sandbox known to have its address (made by this worker, or checked once: veth mode). */
  private attached: string | undefined;
  private readonly startTime: string;
  /** The earliest time a backoff expires and the pod wants another pass. */
  private wakeAtMs: number | undefined;
  /** Set while fenced: why, for the event. */
  private fencing: { reason: string; why: AtMostOneReason; announced: boolean } | undefined;
  /** Set once the node ended the pod for good (eviction): the status keeps this reason and message. */
  private ended: { reason: string; message: string; disruption?: PodCondition } | undefined;
  /** Cuts the `running` pass in flight short (fencing starts). */
  private passCut = new AbortController();
  /** Resolves once the loop has ended (done, or the agent stopping). */
  readonly finished: Promise<void>;

  constructor(private readonly ctx: PodWorkerContext, readonly podUid: string, pod: Pod | undefined, private readonly agentSignal: AbortSignal) {
    this.observer = new PodObserver(ctx.runtime, podUid);
    this.events = new PodEventLog(ctx.reporter, ctx.clock);
    this.hooks = this.makeHooks();
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

  /** Stop the containers and keep them stopped until `unfence()`; a pass in flight is cut short. */
  fence(reason: string, why: AtMostOneReason): void {
    if (this.fencing) return;
    this.fencing = { reason, why, announced: false };
    this.passCut.abort(new Error('fenced'));
    this.wake.poke();
  }

  /** A control plane confirmed the pod: it converges again (its containers start). */
  unfence(): void {
    if (!this.fencing) return;
    const announced = this.fencing.announced;
    this.fencing = undefined;
    if (announced && this.desired && this.state === 'running') {
      this.events.container(this.desired, '', { type: 'Normal', reason: 'FencingLifted', message: 'A control plane confirmed the pod is still this node\'s: starting its containers again' });
    }
    this.wake.poke();
  }

  /**
   * Ends the pod for good as the kubelet's eviction manager does (evictPod with a zero grace
   * override): the Warning event with the message, phase Failed with the reason and message,
   * every container stopped within the kubelet's minimum grace (2 s), nothing started again.
   * The pod object stays until it is deleted. Ignored once the pod is terminal or going.
   * `disruption`: the DisruptionTarget condition the status carries (node-pressure evictions
   * set it, `TerminationByKubelet`; the emptyDir limit's does not, as on a kubelet).
   */
  evict(reason: string, message: string, disruption?: DisruptionCause): void {
    if (!this.isActive) return;
    const pod = this.desired as Pod;
    const marked = disruption && withDisruptionTarget(undefined, disruption, new Date(this.ctx.clock.now()))?.conditions?.[0];
    this.ended = { reason, message, disruption: marked };
    this.ctx.log(`pod ${this.describe()}: ${reason}: ${message}`);
    this.events.container(pod, '', { type: 'Warning', reason, message });
    this.lastStatus = { ...(this.lastStatus ?? {}), phase: 'Failed', reason, message };
    this.passCut.abort(new Error(reason));
    this.wake.poke();
  }

  /** Desired, running, not going and not terminal: a pod the eviction manager may pick. */
  get isActive(): boolean {
    const phase = this.lastStatus?.phase;
    const pod = this.desired;
    return !!pod && !pod.metadata.deletionTimestamp && this.state === 'running' && !this.ended && phase !== 'Failed' && phase !== 'Succeeded';
  }

  get isFenced(): boolean {
    return this.fencing !== undefined;
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
    if (!pod || this.state !== 'running' || this.podKill.signal.aborted || this.fencing) return;
    const details = await this.ctx.runtime.inspectContainer(containerId, this.podKill.signal);
    const kill = probeKillAction(pod, containerName, details, message);
    if (!kill || !details) return;
    await this.killOne(pod, kill, details.stopSignal, this.podKill.signal, graceSeconds);
    this.poke();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.agentSignal.aborted && this.state !== 'done') {
      if (this.state === 'running' && this.podKill.signal.aborted) this.state = 'terminating';
      try {
        const fencing = this.fencing;
        if (this.state === 'running' && fencing) await this.holdFenced(this.desired as Pod, fencing, AbortSignal.any([this.agentSignal, this.podKill.signal]));
        else if (this.state === 'running') await this.sync(this.desired as Pod, AbortSignal.any([this.agentSignal, this.podKill.signal, this.newPassCut()]));
        else if (this.state === 'terminating') await this.terminate(this.agentSignal);
        failures = 0;
      } catch (err) {
        if (this.agentSignal.aborted || (this.state === 'running' && (this.podKill.signal.aborted || this.fencing || this.ended))) continue;
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

  /** A step of this pod's start, when PIKUBE_TRACE has `pod-start` (base/step-trace.ts). */
  private trace(step: string, detail?: string): void {
    const meta = this.lastPod?.metadata;
    if (meta) traceStep('pod-start', `${meta.namespace ?? ''}/${meta.name ?? ''}`, step, detail);
  }

  private describe(): string {
    const meta = this.lastPod?.metadata;
    return meta ? `${meta.namespace}/${meta.name} (${this.podUid})` : this.podUid;
  }

  private killDeps(): KillDeps {
    return { runtime: this.ctx.runtime, events: this.events, clock: this.ctx.clock, log: this.ctx.log };
  }

  private starterDeps(res: PodResources): StarterDeps {
    const { runtime, images, volumes, clock, nodeName, hostIP, services, config, allocatable, log } = this.ctx;
    return { runtime, images, volumes, events: this.events, clock, nodeName, hostIP, cgroupParent: cgroupParentOf(res), services, config, allocatable, log };
  }

  /** The hooks around this pod's containers: set up in this order, torn down all. */
  private makeHooks(): PodHooks {
    const { ctx, events } = this;
    const describe = (): string => this.describe();
    const volumes = new VolumesHook(ctx.volumes, events);
    const cgroup = new CgroupHook(ctx.podCgroups, ctx.cgroupParent, ctx.log, describe);
    const probes = ctx.probes ? [new ProbesHook(ctx.probes)] : [];
    const hostPorts = ctx.hostPorts ? [new HostPortsHook(ctx.hostPorts)] : [];
    return {
      setUp: [volumes, new NetworkHook(ctx.network), new ResolvConfHook(ctx.dns, events, ctx.log, describe), cgroup],
      synced: [...probes, ...hostPorts],
      tearDown: [volumes, cgroup, ...probes, ...hostPorts],
    };
  }

  // ── running ────────────────────────────────────────────────────────────────────────────

  /** Observe, plan, set up, execute; a plan that made a new sandbox is followed by the containers' plan. */
  private async sync(pod: Pod, signal: AbortSignal): Promise<void> {
    const obs = await this.observer.observe(signal);
    this.noteExits(pod, obs);
    this.report(pod, obs, false);
    const plan = this.plan(pod, obs, await this.sandboxWithoutAddress(pod, obs, signal));
    if (plan.stage === 'release') {
      await this.executeAll(pod, obs, plan.actions, { volumePaths: new Map() }, signal);
      return;
    }
    this.trace('pass-planned', plan.stage);
    const res = await this.setUp(pod, obs, plan, signal);
    if (!res) return;
    this.trace('set-up');
    const pass = plan.stage === 'sandbox' ? await this.replaceSandbox(pod, obs, plan, res, signal) : { obs, plan, acted: false };
    if (pass) await this.syncContainers(pod, pass, res, signal);
  }

  /** The containers' plan executed; then the status and the synced hooks follow what runs now. */
  private async syncContainers(pod: Pod, pass: ContainersPass, res: PodResources, signal: AbortSignal): Promise<void> {
    const acted = (await this.executeAll(pod, pass.obs, pass.plan.actions, res, signal)) || pass.acted;
    const obs = acted ? await this.observer.observe(signal) : pass.obs;
    this.report(pod, obs, false);
    runSynced(this.hooks.synced, pod, this.runningContainers(pod, obs), this.podIP);
  }

  private plan(pod: Pod, obs: PodObservation, sandboxWithoutAddress = false): PodPlan {
    const observed: ObservedPod = { runtime: obs, phase: this.lastStatus?.phase, notStarted: this.notStarted(pod, obs), sandboxWithoutAddress };
    const restarts: RestartState = { backoffOf: (name, finishedAtMs) => this.ctx.restarts.backoffOf(containerKey(this.podUid, name), finishedAtMs) };
    return computePodActions(pod, observed, restarts, this.ctx.clock.now());
  }

  /** Running containers whose startup probe has not succeeded yet. */
  private notStarted(pod: Pod, obs: PodObservation): Set<string> {
    const ids = new Set<string>();
    for (const c of specsOf(pod)) {
      const cur = obs.containers.get(c.name)?.current;
      if (cur?.running && this.ctx.probes && !this.ctx.probes.resultsOf(pod, c.name, cur.id).started) ids.add(cur.id);
    }
    return ids;
  }

  /** The set-up hooks; a failure shows on the containers it holds up and is looked at again later (or fails the pass). */
  private async setUp(pod: Pod, obs: PodObservation, plan: PodPlan, signal: AbortSignal): Promise<PodResources | undefined> {
    const ctx: SetUpContext = { plan, resources: { volumePaths: new Map() } };
    const result = await runSetUp(this.hooks.setUp, pod, ctx, signal, (hook) => this.trace(`set-up-${hook}`));
    if (result.ok) return ctx.resources;
    this.trace('set-up-failed', result.hook);
    for (const c of specsOf(pod)) if (shows(result, obs.containers.get(c.name)?.current)) this.waiting.set(c.name, result.waiting);
    this.report(pod, obs, false);
    if (result.retryAfterMs === undefined) throw result.error ?? new Error(`${result.hook}: ${result.waiting.message ?? result.waiting.reason}`);
    this.wakeAt(this.ctx.clock.now() + result.retryAfterMs);
    return undefined;
  }

  /**
   * The sandbox stage. With a new sandbox running, the containers' plan on a fresh observation
   * (the killed containers' exits count for their restart policy); else undefined (the pod was
   * killed). Failing to make a sandbox shows on every container (ContainerCreating).
   */
  private async replaceSandbox(pod: Pod, obs: PodObservation, plan: PodPlan, res: PodResources, signal: AbortSignal): Promise<ContainersPass | undefined> {
    try {
      await this.executeAll(pod, obs, plan.actions, res, signal);
    } catch (err) {
      if (signal.aborted || !createsSandbox(plan)) throw err;
      const message = `failed to create pod sandbox: ${errorText(err)}`;
      for (const c of specsOf(pod)) this.waiting.set(c.name, { reason: 'ContainerCreating', message });
      this.report(pod, obs, false);
      throw err;
    }
    if (!createsSandbox(plan)) return undefined;
    const fresh = await this.observer.observe(signal);
    const next = this.plan(pod, fresh);
    return next.stage === 'containers' ? { obs: fresh, plan: next, acted: true } : undefined;
  }

  /** Executes the plan's actions in order; true when a container was created, started or stopped. */
  private async executeAll(pod: Pod, obs: PodObservation, actions: PodAction[], res: PodResources, signal: AbortSignal): Promise<boolean> {
    let acted = false;
    for (const action of actions) acted = (await this.execute(pod, obs, action, res, signal)) || acted;
    return acted;
  }

  private async execute(pod: Pod, obs: PodObservation, action: PodAction, res: PodResources, signal: AbortSignal): Promise<boolean> {
    switch (action.type) {
      case 'killPod': return this.killPod(pod, obs, action.reason, signal);
      case 'removeContainers': return this.removeContainers(action.ids, signal);
      case 'createSandbox': return this.createSandbox(pod, action.attempt, res, signal);
      case 'stopSidecars': return this.stopSidecars(pod, obs, action.ids, signal);
      case 'keepContainer': return this.clearWaiting(action.name);
      case 'killContainer': return this.killOne(pod, action, obs.containers.get(action.name)?.current?.stopSignal ?? 'SIGTERM', signal);
      case 'startCreated': return this.ctx.runtime.startContainer(action.id, signal).then(() => true);
      case 'startContainer': return this.start(pod, action, obs, res, signal);
      case 'waitBackoff': return this.backOff(pod, action.name, action.id, action.untilMs, action.delayMs);
    }
  }

  /** Stops every container and the pause container (preStop hooks, sidecars last); nothing is removed. */
  private async killPod(pod: Pod, obs: PodObservation, reason: KillPodReason, signal: AbortSignal): Promise<boolean> {
    if (reason === 'SandboxChanged') this.events.container(pod, '', { type: 'Normal', reason: 'SandboxChanged', message: 'Pod sandbox changed, it will be killed and re-created.' });
    // A pod that ran to completion keeps its exited containers but not its sidecars or its network.
    if (reason === 'PodFinished') for (const c of specsOf(pod)) this.waiting.delete(c.name);
    const graceSeconds = this.ended ? Math.min(gracePeriodSeconds(pod), MINIMUM_KILL_GRACE_SECONDS) : gracePeriodSeconds(pod);
    await stopPod(this.killDeps(), pod, obs.all, { graceSeconds, podIP: this.podIP }, signal);
    return true;
  }

  private async removeContainers(ids: string[], signal: AbortSignal): Promise<false> {
    for (const id of ids) await this.ctx.runtime.removeContainer(id, signal);
    return false;
  }

  private async createSandbox(pod: Pod, attempt: number, res: PodResources, signal: AbortSignal): Promise<true> {
    const image = await this.ctx.images.ensure(this.podUid, { name: SANDBOX_NAME, image: this.ctx.pauseImage, imagePullPolicy: 'IfNotPresent' }, signal);
    if (!image.ok) throw new Error(`pause image: ${image.reason}: ${image.message}`);
    const network = pod.spec.hostNetwork ? undefined : this.ctx.network;
    const lease = await this.leaseAddress(network, signal);
    const spec = sandboxSpec(pod, { pauseImage: image.ref, cgroupParent: cgroupParentOf(res), attempt, gracePeriodSeconds: gracePeriodSeconds(pod), networkName: res.networkName, podIP: lease?.address });
    this.trace('sandbox-create');
    const id = await this.ctx.runtime.createContainer(spec, signal).catch((err: unknown) => {
      lease?.release();
      throw err;
    });
    lease?.created(this.ctx.clock.now()); // its label holds the address from now on
    this.trace('sandbox-created');
    await this.ctx.runtime.startContainer(id, signal);
    this.trace('sandbox-started');
    const details = await this.ctx.runtime.inspectContainer(id, signal);
    this.trace('sandbox-inspected');
    if (!details?.running) throw new Error(`pause container ${id} is not running: ${details?.error ?? `exit code ${details?.exitCode}`}`);
    if (network?.veth && lease) await this.attachSandbox(network.veth, details, lease.address, signal);
    this.attached = id;
    this.notePodIP(pod, details);
    return true;
  }

  /** An address no sandbox of the node holds: the listing's time counts, see pod-address-pool.ts. Undefined: Docker picks one. */
  private async leaseAddress(network: SandboxNetwork | undefined, signal: AbortSignal): Promise<AddressLease | undefined> {
    if (!network?.leaseAddress) return undefined;
    const listedAtMs = this.ctx.clock.now();
    const taken = await this.sandboxAddresses(signal);
    return network.leaseAddress(taken, listedAtMs);
  }

  /**
   * Whether the running sandbox lacks its address (veth mode): the agent stopped between its
   * start and its attach. The kubelet makes a new sandbox for one without an IP; so does the
   * planner then. Checked once per sandbox (this worker's own are attached when made).
   */
  private async sandboxWithoutAddress(pod: Pod, obs: PodObservation, signal: AbortSignal): Promise<boolean> {
    const veth = this.ctx.network?.veth;
    const sandbox = obs.sandbox;
    const address = sandbox?.labels[POD_IP_LABEL];
    if (!veth || pod.spec.hostNetwork || !sandbox?.running || sandbox.ipAddress || !address || this.attached === sandbox.id) return false;
    signal.throwIfAborted();
    if (!(await veth.isAttached(sandbox.pid ?? 0, address))) {
      this.ctx.log(`pod ${this.describe()}: sandbox ${sandbox.id} has no interface with ${address} (the agent stopped before attaching it?): making a new one`);
      return true;
    }
    this.attached = sandbox.id;
    return false;
  }

  /** The sandbox's interface (veth mode); on failure the pause container goes, so that the next pass makes a new one. */
  private async attachSandbox(veth: VethSandboxes, sandbox: ContainerDetails, address: string, signal: AbortSignal): Promise<void> {
    try {
      await veth.attach(sandbox.id, sandbox.pid ?? 0, address);
      this.trace('sandbox-attached');
    } catch (err) {
      await this.ctx.runtime.stopContainer(sandbox.id, { signal: 'SIGKILL', timeoutSeconds: 0 }, signal)
        .then(() => this.ctx.runtime.removeContainer(sandbox.id, signal))
        .catch((removeErr: unknown) => this.ctx.log(`pod ${this.describe()}: removing unattached sandbox ${sandbox.id}: ${errorText(removeErr)}`));
      throw new Error(`attaching the sandbox to the pod network: ${errorText(err)}`);
    }
  }

  /** The addresses the node's sandboxes hold: their label (attached by the agent) or Docker's network settings. */
  private async sandboxAddresses(signal: AbortSignal): Promise<Set<string>> {
    const found = await this.ctx.runtime.listContainers([MANAGED_FILTER], signal);
    return new Set(found.flatMap((c) => [c.labels[POD_IP_LABEL], c.ipAddress]).filter((a): a is string => !!a));
  }

  private async stopSidecars(pod: Pod, obs: PodObservation, ids: string[], signal: AbortSignal): Promise<true> {
    for (const c of (pod.spec.initContainers ?? []).filter(isSidecar)) this.waiting.delete(c.name);
    const only = new Set(ids);
    await stopContainers(this.killDeps(), pod, obs.all, { graceSeconds: gracePeriodSeconds(pod), podIP: this.podIP, only: (c) => only.has(c.id) }, signal);
    return true;
  }

  private async killOne(pod: Pod, action: KillContainerAction, stopSignal: string, signal: AbortSignal, graceSeconds = gracePeriodSeconds(pod)): Promise<true> {
    const target = { id: action.id, stopSignal, pod, container: specOf(pod, action.name), podIP: this.podIP };
    await killContainer(this.killDeps(), target, { graceSeconds, message: action.message }, signal);
    return true;
  }

  /** The pod's address: the pause container's, or the node's for a hostNetwork pod. */
  private notePodIP(pod: Pod, sandbox: ContainerDetails): void {
    this.podIP = pod.spec.hostNetwork ? this.ctx.hostIP : sandbox.ipAddress || sandbox.labels[POD_IP_LABEL] || this.podIP;
  }

  private clearWaiting(name: string): false {
    this.waiting.delete(name);
    return false;
  }

  /** CrashLoopBackOff: the container waits, BackOff is announced once for the exit, and the pod looks again when it ends. */
  private backOff(pod: Pod, name: string, exitedId: string, untilMs: number, delayMs: number): false {
    const meta = { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: this.podUid };
    this.waiting.set(name, { reason: 'CrashLoopBackOff', message: crashLoopMessage(delayMs, name, meta) });
    const c = specOf(pod, name);
    if (c && !this.noted.has(`backoff/${exitedId}`)) this.events.container(pod, name, containerEvents.backOff(c, pod));
    this.noted.add(`backoff/${exitedId}`);
    this.wakeAt(untilMs);
    return false;
  }

  /** Starts an attempt; true when a container was created (even if it failed to start). A restart arms the next backoff. */
  private async start(pod: Pod, action: StartContainerAction, obs: PodObservation, res: PodResources, signal: AbortSignal): Promise<boolean> {
    const c = specOf(pod, action.name);
    if (!c || !obs.sandbox) throw new Error(`cannot start container ${action.name}: ${c ? 'no sandbox' : 'not in the pod spec'}`);
    const req = { pod, container: c, restartCount: action.restartCount, sandbox: obs.sandbox, podIP: this.podIP, volumePaths: res.volumePaths, resolvConf: res.resolvConf };
    const outcome: StartOutcome = await startContainer(this.starterDeps(res), req, signal);
    if (outcome.waiting) this.waiting.set(c.name, outcome.waiting);
    else this.waiting.delete(c.name);
    if (!outcome.created && outcome.retryAtMs !== undefined) this.wakeAt(outcome.retryAtMs);
    if (outcome.created && action.exited) this.ctx.restarts.restarted({ key: containerKey(this.podUid, c.name), ...action.exited });
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

  private runningContainers(pod: Pod, obs: PodObservation): { name: string; containerId: string; startedAt?: string }[] {
    return specsOf(pod).flatMap((c) => {
      const cur = obs.containers.get(c.name)?.current;
      return cur?.running ? [{ name: c.name, containerId: cur.id, startedAt: cur.startedAt }] : [];
    });
  }

  // ── fenced ───────────────────────────────────────────────────────────────────────────

  /** A signal for one `running` pass, aborted if fencing starts during it. */
  private newPassCut(): AbortSignal {
    this.passCut = new AbortController();
    return this.passCut.signal;
  }

  /** Stops whatever runs (sandbox included), says so once, reports the status; starts nothing. */
  private async holdFenced(pod: Pod, fencing: NonNullable<PodWorker['fencing']>, signal: AbortSignal): Promise<void> {
    const obs = await this.observer.observe(signal);
    if (obs.all.some((c) => c.status === 'running' || c.status === 'restarting' || c.status === 'paused')) {
      if (!fencing.announced) {
        fencing.announced = true;
        const message = `Stopping the pod's containers: ${fencing.reason}; the pod must not run twice (${fencing.why === 'StatefulSet' ? 'a StatefulSet pod' : 'a ReadWriteOnce claim'}) and may be started elsewhere; it stays stopped until a control plane confirms it`;
        this.ctx.log(`pod ${this.describe()}: fenced: ${message}`);
        this.events.container(pod, '', { type: 'Warning', reason: 'Fenced', message });
      }
      const grace = Math.min(gracePeriodSeconds(pod), FENCING_STOP_GRACE_SECONDS);
      await stopPod(this.killDeps(), pod, obs.all, { graceSeconds: grace, podIP: this.podIP }, signal);
    }
    runSynced(this.hooks.synced, pod, [], this.podIP);
    this.report(pod, await this.observer.observe(signal), false);
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
    await runTearDown(this.hooks.tearDown, this.podUid, signal);
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
    // A terminal status the node gave a reason (Evicted) keeps it, across agent restarts too.
    const previous = this.lastStatus;
    if (previous?.reason && (status.phase === 'Failed' || status.phase === 'Succeeded')) Object.assign(status, { reason: previous.reason, message: previous.message });
    const disruption = this.ended?.disruption;
    if (disruption) status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== disruption.type), disruption];
    this.lastStatus = status;
    const json = JSON.stringify(status);
    if (json === this.lastReported) return;
    this.lastReported = json;
    this.trace('status-reported', `${status.phase ?? ''}/${status.conditions?.find((c) => c.type === 'Ready')?.status ?? ''}`);
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
