/**
 * The node's probes (pkg/kubelet/prober/prober_manager.go): one ProbeWorker per (container,
 * probe type) of every running container the pod workers hand in, and the results they
 * produce. The pod worker:
 *
 * - calls `addContainer` for each running container on every pass (idempotent; a new
 *   container id restarts the results), `removeContainer` once it no longer runs, `updatePod`
 *   when the pod changes (a deletion quiets liveness and startup), `removePod` when the pod is
 *   finished or gone;
 * - reads `containerStatus` (started, ready) when it computes the pod's status;
 * - listens with `onResult` (a liveness or startup Failure means: kill the container) and
 *   `onEvent` (the Unhealthy / ProbeWarning events to record).
 *
 * `dispose()` is the agent stopping: every timer ends and probes in flight are abandoned.
 */
import type { Container, Pod, Probe } from '../../api/core-v1';
import type { ProbeExecRuntime } from './exec-probe';
import { systemClock, type Clock } from '../../base/clock';
import type { ProbeResult, ProbeType } from './probe-outcome';
import type { ProbeEvent, ProbeTarget } from './prober';
import { ProbeWorker, type ProbeWorkerContext } from './probe-worker';
import type { Disposable } from '../../base/disposable';

export interface ProbeManagerOptions {
  runtime: ProbeExecRuntime;
  clock?: Clock;
  /** Uniform in [0, 1): spreads the first probes of re-adopted containers. Default Math.random. */
  random?: () => number;
  log?: (message: string) => void;
}

export interface ProbeResultChange {
  podUid: string;
  containerName: string;
  containerId: string;
  probeType: ProbeType;
  result: ProbeResult;
  /** The failing probe's output (`HTTP probe failed with statuscode: 500`); empty otherwise. */
  message: string;
}

export interface ProbeEventRecord {
  podUid: string;
  containerName: string;
  containerId: string;
  probeType: ProbeType;
  event: ProbeEvent;
}

/** A container's readiness as the kubelet reports it (containerStatuses[].started / .ready). */
export interface ProbedStatus {
  started: boolean;
  ready: boolean;
}

const PROBE_TYPES: ProbeType[] = ['startup', 'liveness', 'readiness'];

interface ContainerEntry {
  container: Container;
  containerId: string;
  podIP?: string;
  startedAtMs: number;
  workers: Map<ProbeType, ProbeWorker>;
}

interface PodEntry {
  pod: Pod;
  containers: Map<string, ContainerEntry>;
}

function probeOf(container: Container, type: ProbeType): Probe | undefined {
  if (type === 'liveness') return container.livenessProbe;
  return type === 'readiness' ? container.readinessProbe : container.startupProbe;
}

function findContainer(pod: Pod, name: string): Container | undefined {
  return pod.spec.containers.find((c) => c.name === name) ?? pod.spec.initContainers?.find((c) => c.name === name);
}

export class ProbeManager {
  private readonly pods = new Map<string, PodEntry>();
  private readonly resultListeners = new Set<(change: ProbeResultChange) => void>();
  private readonly eventListeners = new Set<(record: ProbeEventRecord) => void>();
  private readonly lifetime = new AbortController();
  private readonly clock: Clock;
  private readonly startedAtMs: number;
  private readonly log: (message: string) => void;

  constructor(private readonly opts: ProbeManagerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.startedAtMs = this.clock.now();
    this.log = opts.log ?? ((m) => console.error(`[probes] ${m}`));
  }

  /**
   * `containerName` of `pod` runs as `containerId` since `startedAtMs` (Docker's StartedAt;
   * default now). Idempotent; a different id is a new container: its results start over.
   */
  addContainer(pod: Pod, containerName: string, containerId: string, podIP?: string, startedAtMs?: number): void {
    if (this.lifetime.signal.aborted) return;
    const uid = pod.metadata.uid ?? '';
    const container = findContainer(pod, containerName);
    if (!uid || !container) return;
    const podEntry = this.podEntry(uid, pod);
    const existing = podEntry.containers.get(containerName);
    if (existing) return this.refresh(podEntry, existing, container, containerId, podIP, startedAtMs);
    const entry: ContainerEntry = { container, containerId, podIP, startedAtMs: startedAtMs ?? this.clock.now(), workers: new Map() };
    podEntry.containers.set(containerName, entry);
    for (const type of PROBE_TYPES) this.startWorker(uid, containerName, entry, type);
    this.quietIfDeleting(podEntry);
  }

  /** The container no longer runs: its workers stop and its results are forgotten. */
  removeContainer(podUid: string, containerName: string): void {
    const podEntry = this.pods.get(podUid);
    const entry = podEntry?.containers.get(containerName);
    if (!podEntry || !entry) return;
    for (const w of entry.workers.values()) w.stop();
    podEntry.containers.delete(containerName);
    if (podEntry.containers.size === 0) this.pods.delete(podUid);
  }

  removePod(podUid: string): void {
    for (const name of [...(this.pods.get(podUid)?.containers.keys() ?? [])]) this.removeContainer(podUid, name);
    this.pods.delete(podUid);
  }

  /** The pod changed; once it carries a deletionTimestamp, liveness and startup report Success and stop. */
  updatePod(pod: Pod): void {
    const podEntry = this.pods.get(pod.metadata.uid ?? '');
    if (!podEntry) return;
    podEntry.pod = pod;
    this.quietIfDeleting(podEntry);
  }

  /** The probe's current result for the container's running instance; undefined when it has no such probe. */
  result(podUid: string, containerName: string, type: ProbeType): ProbeResult | undefined {
    const entry = this.pods.get(podUid)?.containers.get(containerName);
    return entry?.workers.get(type)?.resultFor(entry.containerId);
  }

  /**
   * Started and ready for a running container (prober_manager UpdatePodStatus): started once
   * its startup probe succeeded (at once without one); ready once started and its readiness
   * probe succeeded (at once without one). A readiness probe not yet successful is triggered
   * to run now, as the kubelet does, so readiness follows the start closely.
   */
  containerStatus(pod: Pod, containerName: string, containerId: string): ProbedStatus {
    const container = findContainer(pod, containerName);
    const entry = this.pods.get(pod.metadata.uid ?? '')?.containers.get(containerName);
    const current = entry?.containerId === containerId ? entry : undefined;
    const started = !container?.startupProbe || current?.workers.get('startup')?.resultFor(containerId) === 'Success';
    if (!started) return { started, ready: false };
    if (!container?.readinessProbe) return { started, ready: true };
    const readiness = current?.workers.get('readiness');
    const ready = readiness?.resultFor(containerId) === 'Success';
    if (!ready) readiness?.trigger();
    return { started, ready };
  }

  /** Every result change; a liveness or startup Failure is reported each time it is reached. */
  onResult(listener: (change: ProbeResultChange) => void): Disposable {
    this.resultListeners.add(listener);
    return { dispose: () => this.resultListeners.delete(listener) };
  }

  /** Every event the kubelet would record about a probe run (Unhealthy, ProbeWarning). */
  onEvent(listener: (record: ProbeEventRecord) => void): Disposable {
    this.eventListeners.add(listener);
    return { dispose: () => this.eventListeners.delete(listener) };
  }

  /** Uids of the pods with probed containers. */
  podUids(): string[] {
    return [...this.pods.keys()];
  }

  dispose(): void {
    this.lifetime.abort(new Error('probe manager disposed'));
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
    this.resultListeners.clear();
    this.eventListeners.clear();
  }

  private podEntry(uid: string, pod: Pod): PodEntry {
    let podEntry = this.pods.get(uid);
    if (!podEntry) this.pods.set(uid, (podEntry = { pod, containers: new Map() }));
    podEntry.pod = pod;
    return podEntry;
  }

  private refresh(podEntry: PodEntry, entry: ContainerEntry, container: Container, containerId: string, podIP: string | undefined, startedAtMs: number | undefined): void {
    if (podIP) entry.podIP = podIP;
    if (entry.containerId !== containerId) {
      Object.assign(entry, { container, containerId, startedAtMs: startedAtMs ?? this.clock.now() });
      for (const w of entry.workers.values()) w.setContainer(containerId);
    }
    this.quietIfDeleting(podEntry);
  }

  private quietIfDeleting(podEntry: PodEntry): void {
    if (!podEntry.pod.metadata.deletionTimestamp) return;
    for (const entry of podEntry.containers.values()) for (const w of entry.workers.values()) w.quiet();
  }

  private startWorker(uid: string, name: string, entry: ContainerEntry, type: ProbeType): void {
    const spec = probeOf(entry.container, type);
    if (!spec) return;
    const worker = new ProbeWorker(type, spec, this.workerContext(uid, name, entry));
    entry.workers.set(type, worker);
    worker.setContainer(entry.containerId);
    worker.start();
  }

  private workerContext(uid: string, name: string, entry: ContainerEntry): ProbeWorkerContext {
    return {
      runtime: this.opts.runtime,
      clock: this.clock,
      random: this.opts.random ?? Math.random,
      managerStartedAtMs: this.startedAtMs,
      signal: this.lifetime.signal,
      target: () => this.targetOf(uid, name, entry),
      started: (containerId) => entry.workers.get('startup')?.resultFor(containerId) === 'Success' || !entry.container.startupProbe,
      report: (probeType, containerId, result, message) => this.emitResult({ podUid: uid, containerName: name, containerId, probeType, result, message }),
      event: (probeType, containerId, event) => this.emitEvent({ podUid: uid, containerName: name, containerId, probeType, event }),
      log: (m) => this.log(`pod ${uid} container ${name}: ${m}`),
    };
  }

  private targetOf(uid: string, name: string, entry: ContainerEntry): (ProbeTarget & { startedAtMs: number }) | undefined {
    const podEntry = this.pods.get(uid);
    if (podEntry?.containers.get(name) !== entry) return undefined;
    return { pod: podEntry.pod, container: entry.container, containerId: entry.containerId, podIP: entry.podIP, startedAtMs: entry.startedAtMs };
  }

  private emitResult(change: ProbeResultChange): void {
    for (const listener of [...this.resultListeners]) this.safely(() => listener(change));
  }

  private emitEvent(record: ProbeEventRecord): void {
    for (const listener of [...this.eventListeners]) this.safely(() => listener(record));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`probe listener failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
