/**
 * The node lifecycle controller (Kubernetes' pkg/controller/nodelifecycle), on pikube's
 * liveness: a node is alive while a session to it is open, on any replica, and it spoke within
 * the grace period (NodeReachability). Nothing is written while nodes stay healthy; only transitions:
 *
 * - silent for the grace period → every kubelet condition `Unknown` (reason
 *   `NodeStatusUnknown`, message `Kubelet stopped posting node status.`), the
 *   `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints, and Ready=False on its pods;
 * - alive again → the taints go (a reconnect's Hello already wrote Ready=True; a session that
 *   was only silent gets Ready=True back here).
 *
 * Only the leader runs it (`run(signal)`; the signal aborts when leadership is lost).
 *
 * Several replicas: each records in etcd, under its own lease, which nodes' sessions it
 * holds (on open and close only); the leader reads them through ClusterReachability, so a
 * node connected to a follower stays reachable, and one whose holder died goes Unknown once
 * that replica's lease expires and the grace period passes.
 */
import type { Node, Pod } from '../../api/core-v1';
import type { EventRecorder } from '../registry/event-recorder';
import type { Registry } from '../registry/registry';
import { NODES, PODS } from '../registry/kinds';
import { logText } from '../log-text';
import type { NodeReachability } from '../nodes/node-reachability';
import {
  conditionOf, hasHealthTaints, TAINT_UNREACHABLE, isNodeStatusUnknown, isPodReady, MESSAGE_KUBELET_READY, podStatusNotReady, READY,
  REASON_KUBELET_READY, REASON_NODE_STATUS_UNKNOWN, rfc3339, unknownNodeStatus, withoutHealthTaints, withUnreachableTaints,
} from '../nodes/node-health';
import { updateThroughRegistry } from '../nodes/registry-update';
import type { Disposable } from '../../base/disposable';
import type { ChangeHandler } from '../store/informer';
import { WorkQueue } from './work-queue';

export interface NodeLifecycleOptions {
  /** Every write goes through it (validation, resourceVersion semantics). */
  registry: Registry;
  /** The shared node informer (started by the owner). */
  nodes: {
    get(name: string): Node | undefined;
    list(): Node[];
    onChange(handler: ChangeHandler<Node>): Disposable;
    whenSynced(signal?: AbortSignal): Promise<void>;
  };
  /** The shared pod informer (started by the owner). */
  pods: { list(filter?: (pod: Pod) => boolean): Pod[]; whenSynced(signal?: AbortSignal): Promise<void> };
  liveness: NodeReachability;
  /** Records NodeNotReady / NodeReady on the Node and NodeNotReady on its pods, as Kubernetes does. */
  events?: EventRecorder;
  clock?: { now(): number };
  log?: (message: string) => void;
}

export class NodeLifecycleController {
  private readonly clock: { now(): number };
  private readonly log: (message: string) => void;
  /** When this leader first saw each node: a node never heard from gets the grace period from then. */
  private readonly observedSince = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: NodeLifecycleOptions) {
    this.clock = opts.clock ?? Date;
    this.log = opts.log ?? ((message) => console.warn(`node-lifecycle: ${message}`));
  }

  /** Runs until `signal` aborts; resolves once stopped, with every timer and listener released. */
  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const queue: WorkQueue = new WorkQueue((name, s) => this.reconcile(name, s, queue), {
      onError: (name, err) => this.log(`node "${logText(name)}": ${logText(err)}`),
    });
    try {
      await Promise.all([this.opts.nodes.whenSynced(signal), this.opts.pods.whenSynced(signal)]);
    } catch {
      return;
    }
    const subscriptions = this.subscribe(queue);
    for (const node of this.opts.nodes.list()) queue.add(node.metadata.name ?? '');
    await queue.run(signal);
    subscriptions.forEach((dispose) => dispose());
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.observedSince.clear();
  }

  private subscribe(queue: WorkQueue): (() => void)[] {
    const offLiveness = this.opts.liveness.onTransition((name) => queue.add(name));
    const nodeEvents = this.opts.nodes.onChange((_type, node) => queue.add(node.metadata.name ?? ''));
    return [offLiveness, () => nodeEvents.dispose()];
  }

  /** Level-triggered: reads the node and its liveness now, writes only what differs. */
  private async reconcile(name: string, signal: AbortSignal, queue: WorkQueue): Promise<void> {
    const node = this.opts.nodes.get(name);
    if (!node) return void this.observedSince.delete(name);
    const silentForMs = this.silentFor(name);
    const graceMs = this.opts.liveness.gracePeriodMs;
    if (silentForMs < graceMs) {
      this.recheckAfter(name, graceMs - silentForMs, queue);
      if (this.opts.liveness.isAlive(name)) await this.markReachable(name, signal);
      return;
    }
    await this.markUnreachable(name, signal);
    await this.markPodsNotReady(name, signal);
    // Eviction: pods on an unreachable node are deleted once their toleration of the
    // node.kubernetes.io/unreachable:NoExecute taint set above runs out (tolerationSeconds;
    // 300 s by default via DefaultTolerationSeconds), and their controllers replace them.
    // That is the taint-eviction controller's job (controllers issue): it watches the
    // NoExecute taints on Nodes, so it plugs in there, not here.
  }

  /** How long the node has been silent, as far as this leader can tell. */
  private silentFor(name: string): number {
    const now = this.clock.now();
    if (!this.observedSince.has(name)) this.observedSince.set(name, now);
    const since = Math.max(this.opts.liveness.lastSeen(name) ?? 0, this.observedSince.get(name) ?? now);
    return now - since;
  }

  private recheckAfter(name: string, delayMs: number, queue: WorkQueue): void {
    clearTimeout(this.timers.get(name));
    const timer = setTimeout(() => (this.timers.delete(name), queue.add(name)), Math.max(delayMs, 1) + 10);
    this.timers.set(name, timer);
  }

  /** Status first (Ready=Unknown), then the taints, as Kubernetes does; each write only if it changes something. */
  private async markUnreachable(name: string, signal: AbortSignal): Promise<void> {
    const now = (): Date => new Date(this.clock.now());
    const status = await updateThroughRegistry<Node>(this.opts.registry, NODES, undefined, name, (node) => {
      if (this.opts.liveness.isAlive(name) || isNodeStatusUnknown(node)) return undefined;
      return { ...node, status: unknownNodeStatus(node.status, now()) };
    }, { subresource: 'status', signal });
    const taints = await updateThroughRegistry<Node>(this.opts.registry, NODES, undefined, name, (node) => {
      if (this.opts.liveness.isAlive(name)) return undefined;
      return { ...node, spec: { ...node.spec, taints: withUnreachableTaints(node.spec?.taints, now()) } };
    }, { signal });
    if (status || taints) this.log(`node "${name}" is unreachable: Ready=Unknown (${REASON_NODE_STATUS_UNKNOWN}), tainted ${TAINT_UNREACHABLE}`);
    if (status) await this.opts.events?.record(status, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
  }

  /** Ready=False on the node's ready pods (Kubernetes' MarkPodsNotReady). */
  private async markPodsNotReady(name: string, signal: AbortSignal): Promise<void> {
    const pods = this.opts.pods.list((p) => p.spec?.nodeName === name && isPodReady(p));
    for (const pod of pods) {
      if (this.opts.liveness.isAlive(name)) return;
      const written = await updateThroughRegistry<Pod>(this.opts.registry, PODS, pod.metadata.namespace, pod.metadata.name ?? '', (current) => {
        const status = current.metadata.uid === pod.metadata.uid ? podStatusNotReady(current, new Date(this.clock.now())) : undefined;
        return status ? { ...current, status } : undefined;
      }, { subresource: 'status', signal });
      if (written) await this.opts.events?.record(written, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
  }

  /** The node speaks: Ready=True if only this controller had made it Unknown, and no unreachable taints. */
  private async markReachable(name: string, signal: AbortSignal): Promise<void> {
    const node = this.opts.nodes.get(name);
    if (!node || (!hasHealthTaints(node) && !isNodeStatusUnknown(node))) return;
    const status = await updateThroughRegistry<Node>(this.opts.registry, NODES, undefined, name, (current) =>
      this.opts.liveness.isAlive(name) ? { ...current, status: this.readyAgain(current) } : undefined, { subresource: 'status', signal });
    const taints = await updateThroughRegistry<Node>(this.opts.registry, NODES, undefined, name, (current) => {
      if (!this.opts.liveness.isAlive(name)) return undefined;
      const spec: Node['spec'] = { ...current.spec, taints: withoutHealthTaints(current.spec?.taints) };
      if (spec.taints?.length === 0) delete spec.taints;
      return { ...current, spec };
    }, { signal });
    if (status || taints) this.log(`node "${name}" is reachable again`);
    if (status) await this.opts.events?.record(status, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
  }

  private readyAgain(node: Node): Node['status'] {
    if (!isNodeStatusUnknown(node)) return node.status;
    const at = rfc3339(new Date(this.clock.now()));
    const previous = conditionOf(node.status?.conditions, READY);
    const ready = { ...previous, type: READY, status: 'True' as const, reason: REASON_KUBELET_READY, message: MESSAGE_KUBELET_READY, lastHeartbeatTime: at, lastTransitionTime: at };
    return { ...node.status, conditions: (node.status?.conditions ?? []).map((c) => (c.type === READY ? ready : c)) };
  }
}
