/**
 * The garbage collector's wiring (decisions in garbage-collector-plan.ts; lookups in
 * owner-graph.ts). It watches every served kind, custom kinds as they come and go
 * (owner-graph-watch.ts). A change enqueues the object when it has
 * owners or is being deleted with `foregroundDeletion` / `orphan`, and the owners it names that
 * wait on their dependents; a deletion enqueues the object's dependents and owners.
 *
 * The cache proposes, the API decides: a step planned from the informers is planned again
 * from a fresh read of the object and of its owners before anything is written (a dependent
 * seen before its new owner is not deleted), deletions carry the object's uid as a
 * precondition, and updates its resourceVersion (a Conflict requeues). Running a key twice is
 * therefore harmless, and no expectations are needed. Nothing is written when nothing is to
 * be collected.
 */
import type { KubeObject } from '../../api/meta';
import { ORPHAN_FINALIZER } from '../registry/dependents-policy';
import type { ChangeType } from '../store/informer';
import { unlessNotFound, type ApiClient } from './framework/api-client';
import { defineController, type ControllerQueue } from './framework/define-controller';
import {
  concernsCollector, isDeletingDependents, isOrphaningDependents, planCollection, withoutFinalizer, withoutOwnerReferences,
  withUnblockedOwnerReferences, type GcStep,
} from './garbage-collector-plan';
import { OwnerGraph, type GraphKind, type GraphObject } from './owner-graph';
import { ownerGraphChanges } from './owner-graph-watch';

/** The keys one change concerns. */
function keysOfChange(graph: OwnerGraph, kind: GraphKind, object: KubeObject, old: KubeObject | undefined, type: ChangeType): string[] {
  const waitingOwners = [object, ...(old ? [old] : [])].flatMap((o) => graph.cachedOwners(o))
    .filter((o) => isDeletingDependents(o.object) || isOrphaningDependents(o.object));
  const keys = waitingOwners.map((o) => graph.keyOf(o.kind, o.object));
  if (type === 'DELETED') return [...keys, ...graph.dependents(object.metadata.uid).map((d) => graph.keyOf(d.kind, d.object))];
  return concernsCollector(object) ? [graph.keyOf(kind, object), ...keys] : keys;
}


interface Collection {
  client: ApiClient;
  graph: OwnerGraph;
  queue: ControllerQueue;
}

/** The step for the object as the API has it now; undefined when it is gone or another object took its name. */
async function livePlan(c: Collection, item: GraphObject, signal: AbortSignal): Promise<{ live: KubeObject; step: GcStep } | undefined> {
  const { kind, object } = item;
  const live = await c.client.get<KubeObject>(kind.name, object.metadata.namespace, object.metadata.name ?? '').catch(unlessNotFound);
  if (!live || live.metadata.uid !== object.metadata.uid) return undefined;
  const dependents = c.graph.dependents(live.metadata.uid).map((d) => d.object);
  return { live, step: planCollection(live, await c.graph.classifyLive(live, signal), dependents) };
}

async function collect(c: Collection, key: string, signal: AbortSignal): Promise<void> {
  const item = c.graph.cached(key);
  if (!item) return;
  const dependents = c.graph.dependents(item.object.metadata.uid).map((d) => d.object);
  if (planCollection(item.object, c.graph.classifyCached(item.object), dependents).op === 'none') return;
  const planned = await livePlan(c, item, signal);
  if (planned && !signal.aborted) await execute(c, item.kind, planned.live, planned.step);
}

async function execute(c: Collection, kind: GraphKind, live: KubeObject, step: GcStep): Promise<void> {
  const { namespace, name = '', uid } = live.metadata;
  switch (step.op) {
    case 'none': return;
    case 'delete':
      if (step.unblockOwnerReferences) await c.client.update(kind.name, namespace, name, withUnblockedOwnerReferences(live));
      await c.client.delete(kind.name, namespace, name, { propagationPolicy: step.propagationPolicy, preconditions: { uid } }).catch(unlessNotFound);
      return;
    case 'dropOwnerReferences':
      await c.client.update(kind.name, namespace, name, withoutOwnerReferences(live, step.uids)).catch(unlessNotFound);
      return;
    case 'waitForDependents':
      for (const d of c.graph.dependents(uid)) if (step.uids.includes(d.object.metadata.uid ?? '')) c.queue.add(c.graph.keyOf(d.kind, d.object));
      return;
    case 'orphanDependents':
      await orphanDependents(c, live);
      await c.client.update(kind.name, namespace, name, withoutFinalizer(live, ORPHAN_FINALIZER)).catch(unlessNotFound);
      return;
    case 'removeFinalizer':
      await c.client.update(kind.name, namespace, name, withoutFinalizer(live, step.finalizer)).catch(unlessNotFound);
  }
}

/** Each dependent, as the API has it, loses its references to `owner`. */
async function orphanDependents(c: Collection, owner: KubeObject): Promise<void> {
  const uid = owner.metadata.uid ?? '';
  for (const { kind, object } of c.graph.dependents(uid)) {
    const { namespace, name = '' } = object.metadata;
    const live = await c.client.get<KubeObject>(kind.name, namespace, name).catch(unlessNotFound);
    if (!live || !(live.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) continue;
    await c.client.update(kind.name, namespace, name, withoutOwnerReferences(live, [uid])).catch(unlessNotFound);
  }
}

export const garbageCollectorController = defineController({
  name: 'garbage-collector-controller',
  queue: { workers: 2, baseDelayMs: 200, maxDelayMs: 30_000 },
  setup(ctx) {
    const graph = new OwnerGraph(ctx.client, ctx.informers);
    const collection: Collection = { client: ctx.client, graph, queue: ctx.queue };
    return { watches: [ownerGraphChanges(ctx.client, graph, (kind, object, old, type) => keysOfChange(graph, kind, object, old, type))], reconcile: (key, signal) => collect(collection, key, signal) };
  },
});
