/**
 * The default scheduler's loop: every pending pod (no spec.nodeName, our schedulerName, not
 * being deleted) is a key in a work queue; reconcile reads the pod and the nodes from the
 * informers, selects a node and binds. A pod that fits nowhere gets PodScheduled=False
 * (reason Unschedulable) and a FailedScheduling event, and is retried when nodes or pods
 * change (capacity may have freed) and at least every `retryUnschedulableMs`.
 *
 * Pods bound by this scheduler but not yet seen bound by the informer are "assumed" on their
 * node, so a burst of pods is not packed onto one node from a stale cache.
 */
import type { Node, Pod, PodCondition } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import type { EventRecorder } from '../registry/event-recorder';
import type { Registry } from '../registry/registry';
import { WorkQueue } from '../controllers/work-queue';
import { logText } from '../log-text';
import { guarded, SkipReporter } from '../reader-guard';
import { cacheKey, type Informer } from '../store/informer';
import { failedSchedulingMessage } from './failure-message';
import { selectNode } from './select-node';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  registry: Registry;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  events: EventRecorder;
  retryUnschedulableMs?: number;
  random?: () => number;
  log?: (message: string) => void;
}

export function needsScheduling(pod: Pod): boolean {
  const name = pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const done = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && name === DEFAULT_SCHEDULER_NAME && !done;
}

export class Scheduler {
  private readonly queue: WorkQueue;
  /** uid → pod as bound by us, until the informer shows the binding. */
  private readonly assumed = new Map<string, Pod>();
  private readonly skipped: SkipReporter;

  constructor(private readonly opts: SchedulerOptions) {
    this.skipped = new SkipReporter('scheduler', opts.log ?? console.warn);
    this.queue = new WorkQueue((key) => this.reconcile(key), {
      workers: 1, // decisions are serial, as in kube-scheduler: each sees the previous one
      onError: (key, err) => opts.log?.(`scheduling ${logText(key)}: ${logText(err)}`),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const subscriptions = [
      this.opts.pods.onChange((type, pod, old) => this.onPod(type, pod, old)),
      this.opts.nodes.onChange(() => this.requeuePending()),
    ];
    const timer = setInterval(() => guarded('scheduler: requeueing pending pods', this.opts.log ?? console.warn, () => this.requeuePending()), this.opts.retryUnschedulableMs ?? 30_000);
    try {
      await Promise.all([this.opts.pods.whenSynced(signal), this.opts.nodes.whenSynced(signal)]);
      this.requeuePending();
      await this.queue.run(signal);
    } finally {
      clearInterval(timer);
      for (const s of subscriptions) s.dispose();
    }
  }

  private onPod(type: string, pod: Pod, old?: Pod): void {
    if (pod.spec.nodeName || type === 'DELETED') this.assumed.delete(pod.metadata.uid ?? '');
    // Our own status write (PodScheduled=False) must not retrigger the pod: only spec changes do.
    const statusOnly = old !== undefined && JSON.stringify(old.spec) === JSON.stringify(pod.spec);
    if (needsScheduling(pod) && type !== 'DELETED') {
      if (!statusOnly) this.queue.add(cacheKey(pod));
    }
    // A pod that went away or finished frees capacity: pending pods may fit now.
    else if (type === 'DELETED' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') this.requeuePending();
  }

  private requeuePending(): void {
    for (const pod of this.opts.pods.list(needsScheduling)) this.queue.add(cacheKey(pod));
  }

  private podsOn(nodeName: string): Pod[] {
    const bound = this.opts.pods.list((p) => p.spec.nodeName === nodeName);
    const boundUids = new Set(bound.map((p) => p.metadata.uid));
    const assumed = [...this.assumed.values()].filter((p) => p.spec.nodeName === nodeName && !boundUids.has(p.metadata.uid));
    return [...bound, ...assumed];
  }

  private async reconcile(key: string): Promise<void> {
    const pod = this.opts.pods.get(key);
    if (!pod || !needsScheduling(pod) || this.assumed.has(pod.metadata.uid ?? '')) return;
    const selection = selectNode(pod, this.opts.nodes.list(), (n) => this.podsOn(n), this.opts.random, (node, err) => this.skipped.report(node, err));
    if (selection.ok) this.assumeAndBind(pod, selection.node);
    else await this.unschedulable(pod, failedSchedulingMessage(selection.totalNodes, selection.rejections, { preemptionPolicy: pod.spec.preemptionPolicy }));
  }

  /**
   * The binding cycle runs apart from the scheduling cycle, as in kube-scheduler: the pod is
   * assumed on its node at once (the next decision counts it), and the write happens
   * asynchronously. A failed write forgets the assumption and schedules the pod again.
   */
  private assumeAndBind(pod: Pod, node: Node): void {
    const uid = pod.metadata.uid ?? '';
    this.assumed.set(uid, { ...pod, spec: { ...pod.spec, nodeName: node.metadata.name } });
    this.bind(pod, node.metadata.name ?? '').catch((err: unknown) => {
      this.assumed.delete(uid);
      this.opts.log?.(`binding ${logText(cacheKey(pod))} to ${logText(node.metadata.name)}: ${logText(err)}`);
      this.queue.addRateLimited(cacheKey(pod));
    });
  }

  private async bind(pod: Pod, nodeName: string): Promise<void> {
    const { namespace = 'default', name = '', uid } = pod.metadata;
    try {
      await this.opts.registry.bind(namespace, {
        apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
    } catch (err) {
      // Bound meanwhile, or deleted: the informer will tell; nothing to retry.
      if (isApiError(err, 'Conflict', 'NotFound')) return void this.assumed.delete(uid ?? '');
      throw err;
    }
    void this.opts.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  private async unschedulable(pod: Pod, message: string): Promise<void> {
    await this.setUnschedulableCondition(pod, message);
    await this.opts.events.record(pod, 'Warning', 'FailedScheduling', message);
  }

  /** PodScheduled=False, reason Unschedulable, as kube-scheduler writes it; skipped if unchanged. */
  private async setUnschedulableCondition(pod: Pod, message: string): Promise<void> {
    const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (existing?.status === 'False' && existing.reason === 'Unschedulable' && existing.message === message) return;
    const condition: PodCondition = {
      type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      reason: 'Unschedulable', message,
    };
    const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const next: Pod = { ...structuredClone(pod), status: { ...structuredClone(pod.status ?? {}), conditions: [...others, condition] } };
    try {
      await this.opts.registry.updateStatus('pods', pod.metadata.namespace, pod.metadata.name ?? '', next);
    } catch (err) {
      if (isApiError(err, 'Conflict', 'NotFound')) return; // a newer pod will be reconciled
      throw err;
    }
  }
}
