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
 * A leader counts silence only from when it started leading (Kubernetes' node lifecycle
 * controller sets a node's probe timestamp when it first sees it), plus the agents' longest
 * reconnect delay (proto/session-timing.ts) for a node it has not heard from: after the only
 * control plane was away, agents are still waiting out their backoff when it returns, and the
 * control plane's own absence must not make their nodes NotReady.
 */
import type { Node, Pod } from '../../api/core-v1';
import { conditionOf, READY, TAINT_NOT_READY, TAINT_UNREACHABLE, REASON_NODE_STATUS_UNKNOWN } from '../nodes/node-health';
import type { ControllerSetup } from './framework/define-controller';
import { changesOf, defineController, listenerSource } from './framework/define-controller';
import { toSee, type Expectations } from './framework/expectations';
import { BY_NODE } from './framework/informer-factory';
import { planNode, type NodePlan } from './node-lifecycle-plan';
import { AGENT_MAX_RECONNECT_DELAY_MS } from '../../proto/session-timing';

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
    /** When this leader first saw each node: a node never heard from gets the grace period from then, plus the reconnect allowance. */
    const observedSince = new Map<string, number>();
    const leadingSince = ctx.clock.now();
    const silentFor = (name: string): number => {
      const now = ctx.clock.now();
      if (!observedSince.has(name)) observedSince.set(name, now);
      const since = observedSince.get(name) ?? now;
      // Not heard from since this leader began (a session that ended while etcd or the control
      // plane was away counts as not heard from): the agent's reconnect delay is allowed too.
      const lastSeen = ctx.liveness.lastSeen(name);
      return now - (lastSeen === undefined || lastSeen < leadingSince ? since + AGENT_MAX_RECONNECT_DELAY_MS : Math.max(lastSeen, since));
    };
    return {
      watches: [changesOf(nodes, (node) => [node.metadata.name ?? '']), listenerSource((l) => ctx.liveness.onTransition(l))],
      async reconcile(name) {
        const node = nodes.get(name);
        if (!node) return void observedSince.delete(name);
        if (!writers.nodeWrites.satisfied(name) || !writers.podWrites.satisfied(name)) return;
        const silence = { alive: ctx.liveness.isAlive(name), silentForMs: silentFor(name), gracePeriodMs: ctx.liveness.gracePeriodMs };
        const plan = planNode(node, pods.byIndex(BY_NODE, name), silence, new Date(ctx.clock.now()));
        await execute(writers, node, plan);
        return { requeueAfterMs: plan.requeueAfterMs };
      },
    };
  },
});

/** Status first, then the taints, then the pods, as Kubernetes does; an unreachable node that speaks again stops the rest. */
async function execute(w: NodeWriters, node: Node, plan: NodePlan): Promise<void> {
  const name = node.metadata.name ?? '';
  const stillDown = (): boolean => plan.transition !== 'unreachable' || !w.ctx.liveness.isAlive(name);
  let current = node;
  // The transition is reported as soon as the status is written: a later Conflict on the taints
  // requeues a plan that no longer changes the status, and must not lose the event.
  if (plan.status && stillDown()) {
    current = await w.ctx.client.updateStatus<Node>('nodes', undefined, name, { ...structuredClone(current), status: plan.status });
    w.nodeWrites.expect(name, toSee(current));
    await report(w, current, plan);
  }
  if (plan.taints && stillDown()) {
    current = (await w.ctx.client.update<Node>('nodes', undefined, name, withTaints(current, plan.taints))).object;
    w.nodeWrites.expect(name, toSee(current));
    if (!plan.status) await report(w, current, plan);
  }
  for (const pod of plan.podsNotReady) {
    if (!stillDown()) return;
    const written = await w.ctx.client.updateStatus<Pod>('pods', pod.metadata.namespace, pod.metadata.name ?? '', pod);
    w.podWrites.expect(name, toSee(written));
    await w.ctx.events('node-controller').record(written, 'Warning', 'NodeNotReady', 'Node is not ready');
  }
}

function withTaints(node: Node, taints: NonNullable<NodePlan['taints']>): Node {
  const spec: Node['spec'] = { ...structuredClone(node.spec), taints };
  if (taints.length === 0) delete spec.taints;
  return { ...structuredClone(node), spec };
}

async function report(w: NodeWriters, node: Node, plan: NodePlan): Promise<void> {
  const name = node.metadata.name ?? '';
  const events = w.ctx.events('node-controller');
  if (plan.transition === 'unreachable') {
    w.ctx.log(`node-lifecycle: node "${name}" is unreachable: Ready=Unknown (${REASON_NODE_STATUS_UNKNOWN}), tainted ${TAINT_UNREACHABLE}`);
    if (plan.status) await events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
  } else if (plan.transition === 'not-ready') {
    const ready = conditionOf(node.status?.conditions, READY);
    w.ctx.log(`node-lifecycle: node "${name}" says it is not ready (${ready?.reason ?? '?'}: ${ready?.message ?? ''}), tainted ${TAINT_NOT_READY}`);
    await events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
  } else if (plan.transition === 'reachable') {
    w.ctx.log(`node-lifecycle: node "${name}" is reachable again`);
    if (plan.status) await events.record(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
  }
}
