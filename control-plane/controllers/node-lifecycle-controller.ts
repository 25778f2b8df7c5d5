/**
 * The node lifecycle controller's wiring (decisions in node-lifecycle-plan.ts): a node's name
 * is its key, enqueued on the Node's changes and on its reachability's transitions; the plan's
 * `requeueAfterMs` brings it back when its grace period would run out. Only the leader runs it.
 *
 * Several replicas: each records in etcd, under its own lease, which nodes' sessions it holds
 * (on open, silence and close only); the leader reads them through ClusterReachability
 * (`ctx.liveness`), so a node connected to a follower stays reachable, and one whose holder
 * died goes Unknown once that replica's lease expires and the grace period passes.
 *
 * Silence is counted by NodeSilence (never from before this leader began, never during this
 * replica's own stalls). Before a down node's NoExecute taint goes on, the whole cluster is
 * looked at (node-disruption-plan.ts): every zone fully disrupted stops evictions and takes the
 * NoExecute taints off; a mostly failed small zone stops them; otherwise they go on at the
 * zone's eviction rate. A node silent for half the grace (the short wait, when its host answers
 * probes: host-checked-reachability.ts) already counts as not ready there, so
 * nodes that fell silent together (their last heartbeats up to one interval apart) are seen
 * together by the first of them to cross the grace.
 */
import type { Node, Pod } from '../../api/core-v1';
import {
  conditionOf, hasHealthNoExecuteTaint, hasHealthTaints, isNodeReadyFalse, READY, TAINT_NOT_READY, TAINT_UNREACHABLE, REASON_NODE_STATUS_UNKNOWN,
} from '../nodes/node-health';
import type { ControllerSetup } from './framework/define-controller';
import { changesOf, defineController, listenerSource } from './framework/define-controller';
import { toSee, type Expectations } from './framework/expectations';
import { BY_NODE } from './framework/informer-factory';
import { planNode, type NodePlan } from './node-lifecycle-plan';
import { admitNoExecute, clusterDisruption, DEFAULT_DISRUPTION_SETTINGS, zoneOf, type ClusterDisruption } from './node-disruption-plan';
import { NodeSilence } from './node-silence';

interface NodeWriters {
  ctx: ControllerSetup;
  nodeWrites: Expectations<Node>;
  podWrites: Expectations<Pod>;
}

export const nodeLifecycleController = defineController({
  name: 'node-lifecycle-controller',
  setup(ctx) {
    const nodes = ctx.informers.forResource<Node>('nodes');
    const pods = ctx.informers.forResource<Pod>('pods');
    const writers: NodeWriters = { ctx, nodeWrites: ctx.expectations(nodes), podWrites: ctx.expectations(pods) };
    const silence = new NodeSilence(ctx.liveness);
    const settings = ctx.disruption ?? DEFAULT_DISRUPTION_SETTINGS;
    /** Per zone: when a NoExecute taint last went on (the eviction rate's token bucket). */
    const lastNoExecuteAt = new Map<string, number>();
    let masterDisruption = false;
    const disruption = (): ClusterDisruption => {
      const readiness = nodes.list().map((n) => {
        const name = n.metadata.name ?? '';
        return { zone: zoneOf(n), ready: !isNodeReadyFalse(n) && silence.silentForMs(name) < ctx.liveness.suspectAfterMs(name) };
      });
      const state = clusterDisruption(readiness, settings.unhealthyZoneThreshold);
      if (state.allFullyDisrupted === masterDisruption) return state;
      masterDisruption = state.allFullyDisrupted;
      ctx.log(masterDisruption
        ? 'node-lifecycle: every node is not ready: entering master disruption mode (no evictions, NoExecute taints removed)'
        : 'node-lifecycle: some nodes are ready: exiting master disruption mode (every node\'s grace period starts again)');
      if (!masterDisruption) silence.restartAll();
      for (const n of nodes.list()) ctx.queue.add(n.metadata.name ?? '');
      return state;
    };
    return {
      watches: [changesOf(nodes, (node) => [node.metadata.name ?? '']), listenerSource((l) => ctx.liveness.onTransition(l))],
      async reconcile(name) {
        const node = nodes.get(name);
        if (!node) return void silence.forget(name);
        if (!writers.nodeWrites.satisfied(name) || !writers.podWrites.satisfied(name)) return;
        const zone = zoneOf(node);
        const admission = admitNoExecute(disruption(), zone, lastNoExecuteAt.get(zone), ctx.liveness.now(), settings);
        const state = { alive: ctx.liveness.isAlive(name), silentForMs: silence.silentForMs(name), gracePeriodMs: ctx.liveness.graceFor(name) };
        const plan = planNode(node, pods.byIndex(BY_NODE, name), state, new Date(ctx.clock.now()), admission.decision);
        const written = await execute(writers, node, plan);
        if (hasHealthNoExecuteTaint(written) && !hasHealthNoExecuteTaint(node)) lastNoExecuteAt.set(zone, ctx.liveness.now());
        const heldBack = admission.decision === 'hold' && hasHealthTaints(written) && !hasHealthNoExecuteTaint(written);
        return { requeueAfterMs: plan.requeueAfterMs ?? (heldBack ? admission.retryAfterMs : undefined) };
      },
    };
  },
});

/** Status first, then the taints, then the pods, as Kubernetes does; an unreachable node that speaks again stops the rest. Returns the node as written. */
async function execute(w: NodeWriters, node: Node, plan: NodePlan): Promise<Node> {
  const name = node.metadata.name ?? '';
  const stillDown = (): boolean => plan.transition !== 'unreachable' || !w.ctx.liveness.isAlive(name);
  let current = node;
  // The transition is reported as soon as the status is written: a later Conflict on the taints
  // requeues a plan that no longer changes the status, and must not lose the event. Events are
  // written beside the next steps, not before them (Kubernetes' recorder is asynchronous too):
  // the taints start the evictions' countdown, and the pods' Ready=False takes their endpoints out.
  if (plan.status && stillDown()) {
    current = await w.ctx.client.updateStatus<Node>('nodes', undefined, name, { ...structuredClone(current), status: plan.status });
    w.nodeWrites.expect(name, toSee(current));
    report(w, current, plan);
  }
  if (plan.taints && stillDown()) {
    current = (await w.ctx.client.update<Node>('nodes', undefined, name, withTaints(current, plan.taints))).object;
    w.nodeWrites.expect(name, toSee(current));
    if (!plan.status) report(w, current, plan);
  }
  // Side by side: their endpoints leave in one EndpointSlice change, so each node's proxy
  // rewrites its rules once (one at a time, the second waited out its minimum sync interval).
  if (!stillDown()) return current;
  await Promise.all(plan.podsNotReady.map(async (pod) => {
    const written = await w.ctx.client.updateStatus<Pod>('pods', pod.metadata.namespace, pod.metadata.name ?? '', pod);
    w.podWrites.expect(name, toSee(written));
    void w.ctx.events('node-controller').record(written, 'Warning', 'NodeNotReady', 'Node is not ready');
  }));
  return current;
}

function withTaints(node: Node, taints: NonNullable<NodePlan['taints']>): Node {
  const spec: Node['spec'] = { ...structuredClone(node.spec), taints };
  if (taints.length === 0) delete spec.taints;
  return { ...structuredClone(node), spec };
}

/** Logs the transition and records its event (the recorder never rejects: it logs what it could not write). */
function report(w: NodeWriters, node: Node, plan: NodePlan): void {
  const name = node.metadata.name ?? '';
  const events = w.ctx.events('node-controller');
  // Called between the status and the taints writes: the taints about to be written tell.
  const evicting = hasHealthNoExecuteTaint(plan.taints ? withTaints(node, plan.taints) : node) ? '' : ' (NoSchedule only: evictions held back)';
  if (plan.transition === 'unreachable') {
    w.ctx.log(`node-lifecycle: node "${name}" is unreachable: Ready=Unknown (${REASON_NODE_STATUS_UNKNOWN}), tainted ${TAINT_UNREACHABLE}${evicting}`);
    if (plan.status) void events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
  } else if (plan.transition === 'not-ready') {
    const ready = conditionOf(node.status?.conditions, READY);
    w.ctx.log(`node-lifecycle: node "${name}" says it is not ready (${ready?.reason ?? '?'}: ${ready?.message ?? ''}), tainted ${TAINT_NOT_READY}${evicting}`);
    void events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
  } else if (plan.transition === 'reachable') {
    w.ctx.log(`node-lifecycle: node "${name}" is reachable again`);
    if (plan.status) void events.record(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
  }
}
