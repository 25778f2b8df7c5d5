/**
 * The pod workers' link to the ProbeManager (agent/probes), as the kubelet's pod workers use
 * its prober manager: after each pass a worker hands in its running containers (and drops the
 * ones that stopped); the status reads started/ready from it; a liveness or startup Failure
 * kills the container through its worker (restart policy and CrashLoopBackOff apply); probe
 * events (Unhealthy, ProbeWarning) are recorded on the container; any result change asks the
 * worker for a fresh pass so the status follows at once.
 */
import type { Pod } from '../../api/core-v1';
import { DisposableStore } from '../../base/disposable';
import type { ProbeEventRecord, ProbeManager, ProbeResultChange } from '../probes/probe-manager';
import { probeKill } from '../probes/probe-kill';

/** What the bridge needs of a pod worker. */
export interface ProbedWorker {
  readonly pod: Pod | undefined;
  poke(): void;
  killForRestart(containerName: string, containerId: string, message: string, graceSeconds?: number): Promise<void>;
  probeEvent(containerName: string, event: { type: 'Normal' | 'Warning'; reason: string; message: string }): void;
}

export interface RunningContainer {
  name: string;
  containerId: string;
  startedAt?: string;
}

export class PodProbes {
  private readonly registered = new Map<string, Set<string>>();
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly manager: ProbeManager, private readonly workerOf: (podUid: string) => ProbedWorker | undefined, private readonly log: (m: string) => void) {
    this.subscriptions.add(manager.onResult((c) => this.onResult(c)));
    this.subscriptions.add(manager.onEvent((r) => this.onEvent(r)));
  }

  /** After a pass: probes follow exactly the running containers. */
  sync(pod: Pod, running: RunningContainer[], podIP: string | undefined): void {
    const uid = pod.metadata.uid ?? '';
    const names = new Set(running.map((c) => c.name));
    for (const gone of [...(this.registered.get(uid) ?? [])].filter((n) => !names.has(n))) this.manager.removeContainer(uid, gone);
    this.registered.set(uid, names);
    for (const c of running) this.manager.addContainer(pod, c.name, c.containerId, podIP, Date.parse(c.startedAt ?? '') || undefined);
    this.manager.updatePod(pod);
  }

  /** The pod changed (a deletion quiets liveness and startup at once). */
  podChanged(pod: Pod): void {
    this.manager.updatePod(pod);
  }

  /** Started and ready for a running container. */
  resultsOf(pod: Pod, containerName: string, containerId: string): { ready: boolean; started: boolean } {
    return this.manager.containerStatus(pod, containerName, containerId);
  }

  forgetPod(podUid: string): void {
    this.registered.delete(podUid);
    this.manager.removePod(podUid);
  }

  dispose(): void {
    this.subscriptions.dispose();
  }

  private onResult(change: ProbeResultChange): void {
    const worker = this.workerOf(change.podUid);
    worker?.poke();
    const pod = worker?.pod;
    if (!worker || !pod || change.result !== 'Failure') return;
    const container = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === change.containerName);
    const kill = container && probeKill(pod, container, change.probeType);
    if (!kill) return;
    worker.killForRestart(change.containerName, change.containerId, kill.message, kill.gracePeriodSeconds).catch((err: unknown) => {
      this.log(`pod ${change.podUid}: killing ${change.containerName} after its ${change.probeType} probe failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private onEvent(record: ProbeEventRecord): void {
    this.workerOf(record.podUid)?.probeEvent(record.containerName, record.event);
  }
}
