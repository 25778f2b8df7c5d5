/**
 * The node's pods: one PodWorker per pod uid, level-triggered. The desired set comes from the
 * session (`setDesired`); the actual set is read from Docker by label on a periodic resync,
 * and Docker's event stream pokes a pod's worker as soon as one of its containers changes.
 *
 * Adoption after an agent restart: nothing touches Docker before the first desired set;
 * then every pod's containers are found by label and adopted as they are (running containers
 * keep running, restart counts come back from labels), and containers of pods outside the
 * desired set are stopped and removed.
 *
 * `dispose()` is the agent's shutdown: workers stop where they are and every container keeps
 * running (STYLE rule 8). A pod is killed only because the desired set says so.
 *
 * Fencing (agent/fencing): `fence(reason)` stops the containers of the pods that must not run
 * twice (api/at-most-one.ts; their workers hold them stopped, nothing is removed) until
 * `unfence()`; other pods are not touched.
 *
 * With a state directory, the containers' restart backoff is kept in `container-backoff.json`
 * there (a CrashLoopBackOff survives an agent restart) and pod volumes live under `pods/`,
 * beside each pod's resolv.conf when the node's DNS settings are given.
 */
import type { TokenSource } from '../volumes/service-account-tokens';
import { atMostOneReason } from '../../api/at-most-one';
import type { Pod, ResourceList } from '../../api/core-v1';
import { podConfigMapNames, podSecretNames } from '../../api/pod-references';
import type { StorageSource } from '../storage-objects';
import type { ConfigChange, ConfigSource } from '../config-objects';
import type { ContainerEvent, ContainerRuntime, ContainerSummary } from '../runtime/container-runtime';
import path from 'node:path';
import type { PodCgroups } from '../cgroups/pod-cgroups';
import { PodVolumes } from '../volumes/pod-volumes';
import type { Mounter } from '../volumes/tmpfs-mounter';
import { Backoff, KUBELET_BACKOFF } from '../../base/backoff';
import { FileBackoffStore } from './backoff-store';
import { systemClock, type Clock } from '../../base/clock';
import { AT_MOST_ONE_FILTER, identityOf, isSafeName, MANAGED_FILTER, podUidOf } from './docker-labels';
import { FENCING_STOP_GRACE_SECONDS } from '../../base/fencing-times';
import { ImagePuller } from './image-puller';
import { diskUsageBytes } from '../volumes/disk-usage';
import { EVICTED_REASON, emptyDirEviction, limitedEmptyDirs } from './empty-dir-limit';
import type { PodReporter, PodSink } from './pod-sink';
import type { EvictionChoice } from '../eviction/eviction-manager';
import { terminationByKubelet } from '../../api/pod-disruption-condition';
import { ProbeManager } from '../probes/probe-manager';

import { PodProbes } from './pod-probes';
import { PodResolvConf, type PodDnsOptions } from './pod-resolv-conf';
import { PodWorker, type PodWorkerContext } from './pod-worker';
import { RestartPolicy } from './restart-policy';
import type { SandboxNetwork } from './sandbox-network';
import type { HostPortSink } from './host-ports-hook';
import type { ServiceSource } from './service-env';
import { Wakeup } from './wakeup';
import { changedPods, containerStates, type ContainerStates } from './container-relist';
import { traceStep } from '../../base/step-trace';
import { isPodActive } from '../../api/pod-readiness';

export interface PodManagerOptions {
  runtime: ContainerRuntime;
  reporter: PodReporter;
  nodeName: string;
  /** The node's address, reported as status.hostIP. */
  hostIP: string;
  /** Cgroup parent of every pod container, e.g. `/pikube-pi1`. */
  cgroupRoot: string;
  /** Default `pikube/pause:latest`. */
  pauseImage?: string;
  /**
   * Relist period (Docker's event stream is the fast path): the pods whose containers changed
   * since the last listing get a pass (container-relist.ts); default 5000 ms.
   */
  resyncIntervalMs?: number;
  /** Every pod gets a pass at least this often, changed or not (the kubelet's `--sync-frequency`); default 60000 ms. */
  syncIntervalMs?: number;
  /** The agent's state directory (`--state-dir`): persisted backoff, pod volumes. Without it, pods with volumes cannot run. */
  stateDir?: string;
  /** Mounts memory-backed emptyDirs; default mount(8). */
  mounter?: Mounter;
  /** Pod-level cgroups (agent/cgroups, opened at start with Docker's cgroup driver); without them containers go right under `cgroupRoot`. */
  podCgroups?: PodCgroups;
  /** The pod network new sandboxes join (agent/network/pod-network.ts); absent: Docker's default bridge. */
  network?: SandboxNetwork;
  /** Where the pods' host ports are published (the agent's service proxy); absent: nowhere (hostPort pods are then unreachable). */
  hostPorts?: HostPortSink;
  /**
   * The node's DNS settings: each pod gets a resolv.conf per its dnsPolicy, mounted at
   * /etc/resolv.conf in every container. Needs `stateDir`. Absent: containers keep Docker's.
   */
  dns?: PodDnsOptions;
  /** The services behind the containers' `{SVC}_SERVICE_HOST` variables; absent: no service variables. */
  services?: ServiceSource;
  /** The ConfigMaps and Secrets delivered to this node (env, envFrom, volumes); absent: none. Call `configChanged` when they change. */
  config?: ConfigSource;
  /** The node's allocatable resources (resourceFieldRef of a container without limits). */
  nodeAllocatable?: () => ResourceList;
  /** The claims and PersistentVolumes delivered to this node; absent: none. Call `storageChanged` when they change. */
  storage?: StorageSource;
  /** How often emptyDir usage is measured against `sizeLimit` and node pressure is checked (the kubelet's eviction monitoring, 10 s); default 10000 ms. */
  evictionIntervalMs?: number;
  /** Node-pressure eviction (agent/eviction/eviction-manager.ts); absent: pods are never evicted for node pressure. */
  nodePressure?: NodePressure;
  /** Service-account tokens for `serviceAccountToken` projections; absent: such volumes fail to mount. Call `tokenDue` when one is due for renewal. */
  tokens?: TokenSource;
  /** Time for the probes (liveness, readiness, startup); default the system clock. */
  probeClock?: Clock;
  clock?: Pick<Clock, 'now'>;
  log?: (message: string) => void;
}

/** The eviction manager as the pod manager drives it: one pass per eviction interval. */
export interface NodePressure {
  synchronize(active: readonly Pod[], signal: AbortSignal): Promise<EvictionChoice | undefined>;
}

export const DEFAULT_PAUSE_IMAGE = 'pikube/pause:latest';
const EVENT_RETRY_MIN_MS = 1_000;
const EVENT_RETRY_MAX_MS = 30_000;
/** A stream that stayed up this long was healthy: the next failure starts the backoff over. */
const EVENT_HEALTHY_MS = 30_000;
/** Actions after which a pod's state may have changed. */
const INTERESTING = new Set(['start', 'die', 'oom', 'destroy', 'kill', 'stop']);

/** Names that reach Docker must be safe (STYLE rule 13); the session validated them too. */
function unsafeReason(pod: Pod): string | undefined {
  const { uid, name, namespace } = pod.metadata;
  for (const [field, value] of [['uid', uid], ['name', name], ['namespace', namespace]] as const) {
    if (!value || !isSafeName(value)) return `metadata.${field} "${value ?? ''}" is not a safe name`;
  }
  const bad = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => !isSafeName(c.name));
  return bad ? `container name "${bad.name}" is not a safe name` : undefined;
}

export class PodManager implements PodSink {
  private readonly ctx: PodWorkerContext;
  private readonly probeManager: ProbeManager;
  private readonly workers = new Map<string, PodWorker>();
  private desired = new Map<string, Pod>();
  private readonly agent = new AbortController();
  private readonly resyncWake = new Wakeup();
  private readonly resyncMs: number;
  private readonly syncMs: number;
  /** The last relist, and when every worker last got a pass. */
  private listed: ContainerStates | undefined;
  private fullSyncAtMs = Number.NEGATIVE_INFINITY;
  private readonly evictionMs: number;
  private readonly nodePressure: NodePressure | undefined;
  private loops: Promise<void>[] = [];
  private started = false;
  /** Why the node is fenced; undefined while a control plane is in reach (or confirmed since). */
  private fencedBecause: string | undefined;

  constructor(opts: PodManagerOptions) {
    const clock = opts.clock ?? systemClock;
    this.resyncMs = opts.resyncIntervalMs ?? 5_000;
    this.syncMs = opts.syncIntervalMs ?? 60_000;
    this.evictionMs = opts.evictionIntervalMs ?? 10_000;
    this.nodePressure = opts.nodePressure;
    const log = opts.log ?? ((m) => console.error(`[pods] ${m}`));
    const store = opts.stateDir ? new FileBackoffStore(path.join(opts.stateDir, 'container-backoff.json'), log) : undefined;
    const volumes = opts.stateDir ? new PodVolumes(opts.stateDir, opts.mounter, { config: opts.config, allocatable: opts.nodeAllocatable, storage: opts.storage, tokens: opts.tokens }) : undefined;
    if (opts.dns && !volumes) log('no state directory: pods get no resolv.conf of their own (Docker\'s is used)');
    this.ctx = {
      runtime: opts.runtime, reporter: opts.reporter, clock,
      images: new ImagePuller(opts.runtime, new Backoff(clock)),
      restarts: new RestartPolicy(clock, new Backoff(clock, KUBELET_BACKOFF, store)),
      volumes,
      dns: opts.dns && volumes ? new PodResolvConf(opts.dns, (uid) => volumes.podDir(uid), opts.hostIP) : undefined,
      services: opts.services,
      config: opts.config,
      allocatable: opts.nodeAllocatable,
      probes: undefined,
      podCgroups: opts.podCgroups,
      network: opts.network,
      hostPorts: opts.hostPorts,
      nodeName: opts.nodeName, hostIP: opts.hostIP, cgroupParent: opts.cgroupRoot,
      pauseImage: opts.pauseImage ?? DEFAULT_PAUSE_IMAGE,
      log,
    };
    this.probeManager = new ProbeManager({ runtime: opts.runtime, clock: opts.probeClock, log: (m) => log(`[probes] ${m}`) });
    this.ctx.probes = new PodProbes(this.probeManager, (uid) => this.workers.get(uid), log);
  }

  setDesired(pods: Pod[]): void {
    if (this.agent.signal.aborted) return;
    const desired = new Map<string, Pod>();
    for (const pod of pods) {
      const unsafe = unsafeReason(pod);
      if (unsafe) this.ctx.log(`ignoring pod ${pod.metadata.namespace}/${pod.metadata.name}: ${unsafe}`);
      else desired.set(pod.metadata.uid as string, pod);
    }
    this.desired = desired;
    this.reconcileWorkers([], true);
    if (!this.started) this.start();
  }

  /**
   * ConfigMaps or Secrets (keys `namespace/name`) arrived, changed or left: the pods that
   * reference one get a pass now (a container waiting for it starts, volumes are rewritten).
   */
  configChanged(change: ConfigChange): void {
    const touches = (pod: Pod, keys: string[], names: (pod: Pod) => string[]): boolean =>
      keys.length > 0 && names(pod).some((name) => keys.includes(`${pod.metadata.namespace ?? ''}/${name}`));
    for (const worker of this.workers.values()) {
      const pod = worker.pod;
      if (pod && (touches(pod, change.configMaps, podConfigMapNames) || touches(pod, change.secrets, podSecretNames))) worker.poke();
    }
  }

  /** Claims or PersistentVolumes changed: the pods that mount a claim get a pass now (one waiting for its claim to bind starts). */
  storageChanged(): void {
    for (const worker of this.workers.values()) {
      if ((worker.pod?.spec.volumes ?? []).some((v) => v.persistentVolumeClaim)) worker.poke();
    }
  }

  /** A pod's service-account token is due for renewal: its worker's next pass fetches and writes the new one. */
  tokenDue(podUid: string): void {
    this.workers.get(podUid)?.poke();
  }

  /** No control plane for the fencing period: the at-most-one pods' containers stop and stay stopped. */
  fence(reason: string): void {
    this.fencedBecause = reason;
    for (const worker of this.workers.values()) this.fenceIfAtMostOne(worker);
    if (!this.started) {
      void this.fenceUnadopted(this.agent.signal).catch((err: unknown) => {
        if (!this.agent.signal.aborted) this.ctx.log(`fencing containers not yet adopted failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
  }

  /**
   * No desired set yet (the agent restarted while no control plane answers): nothing is adopted,
   * so the at-most-one pods' containers are found by their label and stopped, app containers
   * first (within min(their grace, FENCING_STOP_GRACE_SECONDS)), then the pause containers.
   */
  private async fenceUnadopted(signal: AbortSignal): Promise<void> {
    const found = await this.ctx.runtime.listContainers([MANAGED_FILTER, AT_MOST_ONE_FILTER], signal);
    const live = found.filter((c) => c.status === 'running' || c.status === 'restarting' || c.status === 'paused');
    if (live.length === 0) return;
    this.ctx.log(`fenced before this agent heard any control plane: stopping ${live.length} container(s) of pods that must not run twice, found by label`);
    const sandbox = (c: ContainerSummary): boolean => identityOf(c.labels)?.kind === 'podsandbox';
    for (const c of [...live.filter((x) => !sandbox(x)), ...live.filter(sandbox)]) {
      const grace = Math.min(identityOf(c.labels)?.gracePeriodSeconds ?? FENCING_STOP_GRACE_SECONDS, FENCING_STOP_GRACE_SECONDS);
      await this.ctx.runtime.stopContainer(c.id, sandbox(c) ? { signal: 'SIGKILL', timeoutSeconds: 0 } : { signal: 'SIGTERM', timeoutSeconds: grace }, signal);
    }
  }

  /** A control plane confirmed the desired set (already applied): fenced pods still desired run again. */
  unfence(): void {
    this.fencedBecause = undefined;
    for (const worker of this.workers.values()) worker.unfence();
  }

  private fenceIfAtMostOne(worker: PodWorker): void {
    const pod = worker.pod;
    const why = pod && atMostOneReason(pod);
    if (this.fencedBecause && why) worker.fence(this.fencedBecause, why);
  }

  /** The worker of a pod, if it runs here (the probe manager asks it to restart containers). */
  workerOf(podUid: string): PodWorker | undefined {
    return this.workers.get(podUid);
  }

  /** Uids of the pods this manager runs or is still stopping (re-adopted ones included). */
  podUids(): string[] {
    return [...this.workers.keys()];
  }

  /** The agent is stopping: end every loop, leave every container as it is. */
  async dispose(): Promise<void> {
    this.agent.abort(new Error('agent stopping'));
    this.ctx.probes?.dispose();
    this.probeManager.dispose();
    await Promise.all([...this.loops, ...[...this.workers.values()].map((w) => w.finished)]);
    this.workers.clear();
  }

  private start(): void {
    this.started = true;
    this.loops = [this.resyncLoop(), this.eventLoop(), this.evictionLoop()];
  }

  /**
   * Gives every pod uid, desired or found in Docker, the worker it needs. `fromSession`:
   * the session re-sent the set, so every worker hears its pod again and terminated pods it
   * still lists are reported again; a relist only adds or replaces workers.
   */
  private reconcileWorkers(foundUids: string[], fromSession: boolean): void {
    const uids = new Set([...this.desired.keys(), ...this.workers.keys(), ...foundUids]);
    for (const uid of uids) this.reconcileOne(uid, fromSession);
  }

  private reconcileOne(uid: string, fromSession: boolean): void {
    const pod = this.desired.get(uid);
    const worker = this.workers.get(uid);
    if (worker?.isDone) {
      if (!pod) this.workers.delete(uid);
      else if (pod.metadata.deletionTimestamp) {
        if (fromSession) this.ctx.reporter.reportTerminated(pod);
      } else this.replaceWorker(uid, pod);
      return;
    }
    // A relist hands an existing worker nothing new: its pass comes from the relist's changes.
    if (worker && (fromSession || worker.pod !== pod)) worker.update(pod);
    else if (!worker) this.replaceWorker(uid, pod);
  }

  private replaceWorker(uid: string, pod: Pod | undefined): void {
    if (pod) traceStep('pod-start', `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`, 'agent-worker');
    if (pod && isPodActive(pod)) this.ctx.volumes?.prefetchTokens(pod);
    const worker = new PodWorker(this.ctx, uid, pod, this.agent.signal);
    this.workers.set(uid, worker);
    this.fenceIfAtMostOne(worker);
    // A finished worker may leave a desired pod without one (it came back): look again.
    void worker.finished.then(() => {
      if (!this.agent.signal.aborted) this.resyncWake.poke();
    });
  }

  private async resyncLoop(): Promise<void> {
    const signal = this.agent.signal;
    while (!signal.aborted) {
      try {
        await this.resync(signal);
      } catch (err) {
        if (!signal.aborted) this.ctx.log(`resync failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await this.resyncWake.wait(this.resyncMs, signal);
    }
  }

  /**
   * Finds pods Docker holds (orphans included) and gives a fresh pass to the workers whose
   * containers changed since the last listing, or to every worker once per sync period.
   */
  private async resync(signal: AbortSignal): Promise<void> {
    const found = await this.ctx.runtime.listContainers([MANAGED_FILTER], signal);
    signal.throwIfAborted();
    const uids = found.map((c) => identityOf(c.labels)?.podUid).filter((u): u is string => u !== undefined);
    this.reconcileWorkers([...new Set(uids)], false);
    this.pokeChanged(found);
    await this.forgetGonePods(signal);
  }

  /** Pokes the workers of pods whose containers changed since the last listing; every worker once per sync period. */
  private pokeChanged(found: readonly ContainerSummary[]): void {
    const listed = containerStates(found);
    const changed = changedPods(this.listed, listed);
    this.listed = listed;
    const now = this.ctx.clock.now();
    const full = now - this.fullSyncAtMs >= this.syncMs;
    if (full) this.fullSyncAtMs = now;
    for (const [uid, w] of this.workers) if (full || changed.has(uid)) w.poke();
  }

  /** Backoff and volumes of pods that have neither a worker nor a place in the desired set (gone while the agent was down). */
  private async forgetGonePods(signal: AbortSignal): Promise<void> {
    const known = new Set([...this.desired.keys(), ...this.workers.keys()]);
    this.ctx.restarts.retainPods(known);
    for (const uid of this.ctx.volumes?.podUidsOnDisk() ?? []) {
      if (!known.has(uid)) await this.ctx.volumes?.tearDown(uid, signal);
    }
    for (const entry of (await this.ctx.podCgroups?.listPodCgroups()) ?? []) {
      if (!known.has(entry.uid)) await this.ctx.podCgroups?.remove(entry.uid);
    }
  }

  /**
   * Each period: every running pod's limited emptyDirs are measured and the pods over a limit
   * evicted; when none was, the node's pressure is checked and at most one pod evicted for it
   * (the kubelet's synchronize, localStorageEviction first).
   */
  private async evictionLoop(): Promise<void> {
    const signal = this.agent.signal;
    while (!signal.aborted) {
      await new Wakeup().wait(this.evictionMs, signal);
      let evicted = false;
      for (const worker of [...this.workers.values()]) {
        evicted = (await this.checkEmptyDirs(worker, signal).catch((err: unknown) => {
          if (!signal.aborted) this.ctx.log(`measuring the emptyDir volumes of pod ${worker.podUid} failed: ${err instanceof Error ? err.message : String(err)}`);
          return false;
        })) || evicted;
      }
      if (!evicted) {
        await this.relieveNodePressure(signal).catch((err: unknown) => {
          if (!signal.aborted) this.ctx.log(`node pressure check failed: ${err instanceof Error ? err.message : String(err)}`);
        });
      }
    }
  }

  /** True when the pod was evicted. */
  private async checkEmptyDirs(worker: PodWorker, signal: AbortSignal): Promise<boolean> {
    const pod = worker.pod;
    const volumes = this.ctx.volumes;
    if (!pod || !volumes || worker.isDone) return false;
    const limits = limitedEmptyDirs(pod);
    if (limits.length === 0) return false;
    const used = new Map<string, number>();
    for (const l of limits) used.set(l.volume, await diskUsageBytes(volumes.emptyDirPath(worker.podUid, l.volume), signal));
    const message = emptyDirEviction(limits, (v) => used.get(v));
    if (message) worker.evict(EVICTED_REASON, message);
    return message !== undefined;
  }

  private async relieveNodePressure(signal: AbortSignal): Promise<void> {
    if (!this.nodePressure) return;
    const active = [...this.workers.values()].filter((w) => w.isActive).map((w) => w.pod as Pod);
    const choice = await this.nodePressure.synchronize(active, signal);
    if (choice) this.workers.get(choice.pod.metadata.uid ?? '')?.evict(EVICTED_REASON, choice.message, terminationByKubelet(choice.message));
  }

  /** Bytes the pod's disk-backed emptyDirs use on this node (its pod-level ephemeral storage, as eviction ranks it). */
  async emptyDirDiskBytes(pod: Pod, signal: AbortSignal): Promise<number> {
    const volumes = this.ctx.volumes;
    let total = 0;
    for (const v of pod.spec.volumes ?? []) {
      if (volumes && v.emptyDir && v.emptyDir.medium !== 'Memory') total += await diskUsageBytes(volumes.emptyDirPath(pod.metadata.uid ?? '', v.name), signal);
    }
    return total;
  }

  private async eventLoop(): Promise<void> {
    const signal = this.agent.signal;
    let failures = 0;
    while (!signal.aborted) {
      const since = Date.now();
      try {
        await this.ctx.runtime.watchEvents([MANAGED_FILTER], (e) => this.onEvent(e), signal);
      } catch (err) {
        if (!signal.aborted) this.ctx.log(`docker event stream failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (signal.aborted) break;
      failures = Date.now() - since > EVENT_HEALTHY_MS ? 0 : failures + 1;
      // Events may have been missed while the stream was down: resync, then subscribe again.
      this.resyncWake.poke();
      await new Wakeup().wait(Math.min(EVENT_RETRY_MIN_MS * 2 ** Math.max(0, failures - 1), EVENT_RETRY_MAX_MS), signal);
    }
  }

  private onEvent(event: ContainerEvent): void {
    if (!INTERESTING.has(event.action)) return;
    const uid = podUidOf(event.labels);
    if (!uid) return;
    const worker = this.workers.get(uid);
    if (worker) worker.poke();
    else this.resyncWake.poke();
  }
}
