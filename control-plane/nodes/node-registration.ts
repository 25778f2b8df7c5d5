/**
 * The Node object as an agent's Hello makes it: created on first contact, updated on every
 * later one (a session start is a transition, so it is written; heartbeats never are).
 * The agent owns the status and its own labels; the cluster owns the rest: the pod CIDR is
 * assigned here once and kept, labels set by users (node-role.kubernetes.io/... included)
 * stay, `spec.unschedulable` (cordon) stays, and a node that speaks again loses the
 * unreachable taints the lifecycle controller gave it.
 */
import type { Node, NodeStatus } from '../../api/core-v1';
import { ApiError, isApiError } from '../../api/errors';
import type { EventRecorder } from '../registry/event-recorder';
import type { Registry } from '../registry/registry';
import { NODES } from '../registry/kinds';
import { conditionOf, postedNodeStatus, READY, withoutHealthTaints } from './node-health';
import type { PodCidrAllocator } from './pod-cidr-allocator';
import { KUBELET_FIELD_MANAGER, updateThroughRegistry } from './registry-update';

export interface NodeWriteContext {
  registry: Registry;
  /** Records NodeReady when a Hello makes a node ready, as the kubelet does. */
  events?: EventRecorder;
  now(): Date;
  log(message: string): void;
}

/** Label namespaces a kubelet may not set on its own Node (Kubernetes' NodeRestriction admission). */
const RESTRICTED_LABEL_PREFIXES = ['node-role.kubernetes.io/', 'node-restriction.kubernetes.io/'];

function agentLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const allowed = Object.entries(labels ?? {}).filter(([k]) => !RESTRICTED_LABEL_PREFIXES.some((p) => k.startsWith(p)));
  return Object.fromEntries(allowed);
}

function withCidr(spec: Node['spec'], cidr: string): Node['spec'] {
  const taints = withoutHealthTaints(spec?.taints);
  const next: Node['spec'] = { ...spec, podCIDR: cidr, podCIDRs: [cidr] };
  if (taints.length > 0) next.taints = taints;
  else delete next.taints;
  return next;
}

/** The Node to create: the registry sets uid and creationTimestamp, and validates it. */
function newNode(posted: Node, cidr: string, now: Date): Node {
  const metadata: Node['metadata'] = { name: posted.metadata.name, labels: agentLabels(posted.metadata.labels) };
  if (posted.metadata.annotations) metadata.annotations = posted.metadata.annotations;
  const spec = withCidr({ taints: posted.spec?.taints }, cidr);
  if (posted.spec?.providerID) spec.providerID = posted.spec.providerID;
  return { apiVersion: 'v1', kind: 'Node', metadata, spec, status: postedNodeStatus(posted.status, undefined, now) };
}

/** Labels, annotations and spec as a Hello leaves them; the status is written separately (…/status). */
function registered(current: Node, posted: Node, cidr: string): Node {
  const labels = { ...current.metadata.labels, ...agentLabels(posted.metadata.labels) };
  const annotations = { ...current.metadata.annotations, ...posted.metadata.annotations };
  const metadata = { ...current.metadata, labels };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { ...current, metadata, spec: withCidr(current.spec, cidr) };
}

/** The node's pod CIDR: the stored one (recorded in the allocator), else a new one. */
function podCidrFor(ctx: NodeWriteContext, allocator: PodCidrAllocator, current: Node | undefined, name: string): string {
  const stored = current?.spec?.podCIDR;
  if (!stored) return allocator.allocate(name);
  const problem = allocator.claim(name, stored);
  if (problem) ctx.log(`pod CIDR: ${problem}; keeping it`);
  return stored;
}

function isReady(node: Node | undefined): boolean {
  return conditionOf(node?.status?.conditions, READY)?.status === 'True';
}

async function recordReady(ctx: NodeWriteContext, node: Node): Promise<void> {
  await ctx.events?.record(node, 'Normal', 'NodeReady', `Node ${node.metadata.name ?? ''} status is now: NodeReady`);
}

async function createNode(ctx: NodeWriteContext, allocator: PodCidrAllocator, posted: Node): Promise<Node | undefined> {
  const name = posted.metadata.name as string;
  try {
    const created = await ctx.registry.create<Node>(NODES, undefined, newNode(posted, podCidrFor(ctx, allocator, undefined, name), ctx.now()), { fieldManager: KUBELET_FIELD_MANAGER });
    if (isReady(created)) await recordReady(ctx, created);
    return created;
  } catch (err: unknown) {
    if (isApiError(err, 'AlreadyExists')) return undefined;
    throw err;
  }
}

async function getNode(ctx: NodeWriteContext, name: string): Promise<Node | undefined> {
  return ctx.registry.get<Node>(NODES, undefined, name).catch((err: unknown) => {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  });
}

/** Updates an existing Node for a Hello: spec and labels (only if they change), then its status. */
async function reregister(ctx: NodeWriteContext, allocator: PodCidrAllocator, posted: Node): Promise<Node | undefined> {
  const name = posted.metadata.name as string;
  await updateThroughRegistry<Node>(ctx.registry, NODES, undefined, name, (current) =>
    registered(current, posted, podCidrFor(ctx, allocator, current, name)),
  );
  let wasReady = false;
  const written = await updateThroughRegistry<Node>(ctx.registry, NODES, undefined, name, (current) => {
    wasReady = isReady(current);
    return { ...current, status: postedNodeStatus(posted.status, current.status, ctx.now()) };
  }, { subresource: 'status' });
  if (written && !wasReady && isReady(written)) await recordReady(ctx, written);
  return written ?? getNode(ctx, name);
}

/** Creates or updates the agent's Node; resolves with it as stored. */
export async function registerNode(ctx: NodeWriteContext, allocator: PodCidrAllocator, posted: Node): Promise<Node> {
  const name = posted.metadata.name as string;
  for (let attempt = 0; attempt < 5; attempt++) {
    const stored = (await getNode(ctx, name)) ? await reregister(ctx, allocator, posted) : await createNode(ctx, allocator, posted);
    if (stored) return stored;
  }
  throw new ApiError('ServiceUnavailable', `node "${name}" could not be registered: it kept being created and deleted meanwhile`);
}

/** Equal but for heartbeat times: such a report is no news, and is not written. */
function sameStatus(a: NodeStatus | undefined, b: NodeStatus | undefined): boolean {
  const strip = (s: NodeStatus | undefined): NodeStatus => ({ ...s, conditions: s?.conditions?.map(({ lastHeartbeatTime: _, ...c }) => c) });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** A NodeStatusReport: written only when something but heartbeat times changed; NodeReady recorded when it makes the node Ready (its network came up, say). */
export async function updateNodeStatus(ctx: NodeWriteContext, name: string, posted: NodeStatus): Promise<void> {
  let wasReady = false;
  const written = await updateThroughRegistry<Node>(ctx.registry, NODES, undefined, name, (current) => {
    wasReady = isReady(current);
    const status = postedNodeStatus(posted, current.status, ctx.now());
    return sameStatus(status, current.status) ? undefined : { ...current, status };
  }, { subresource: 'status' });
  if (written && !wasReady && isReady(written)) await recordReady(ctx, written);
}
