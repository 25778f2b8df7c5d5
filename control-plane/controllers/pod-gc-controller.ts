/**
 * The pod garbage collector's wiring for pods bound to a node that no longer exists or is out
 * of service (decisions in pod-gc-plan.ts), Kubernetes' `pod-garbage-collector-controller`. The
 * key is a node name: enqueued on a Node's changes, when a pod is bound to a name and when a
 * pod starts terminating. Before any write the node's state is confirmed with a fresh read (the
 * cache may be late), as Kubernetes' checkIfNodeExists. Writes only when such pods exist.
 */
import type { Node, Pod } from '../../api/core-v1';
import { cacheKey } from '../store/informer';
import { unlessNotFound, type ApiClient } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { BY_NODE } from './framework/informer-factory';
import { planOrphanedPods, planOutOfService, type OrphanCollection } from './pod-gc-plan';

export const POD_GC_CONTROLLER = 'pod-garbage-collector-controller';

export const podGcController = defineController({
  name: POD_GC_CONTROLLER,
  setup(ctx) {
    const nodes = ctx.informers.forResource<Node>('nodes');
    const pods = ctx.informers.forResource<Pod>('pods');
    /** Nodes this leader saw deleted (their pods go at once) and names found missing (quarantined). */
    const seenDeleted = new Set<string>();
    const missingSince = new Map<string, number>();
    return {
      watches: [
        changesOf(nodes, (node, _old, type) => {
          const name = node.metadata.name ?? '';
          if (type === 'DELETED') seenDeleted.add(name);
          else seenDeleted.delete(name);
          return [name];
        }),
        changesOf(pods, (pod, old, type) => {
          const bound = type === 'ADDED' || old?.spec?.nodeName !== pod.spec?.nodeName;
          const terminating = pod.metadata.deletionTimestamp !== undefined && old?.metadata.deletionTimestamp === undefined;
          return pod.spec?.nodeName && (bound || terminating) ? [pod.spec.nodeName] : [];
        }),
      ],
      async reconcile(name) {
        const node = nodes.get(name);
        if (node) return collectOutOfService(ctx.client, ctx.log, node, pods.byIndex(BY_NODE, name));
        const plan = planOrphanedPods({
          nodeExists: nodes.get(name) !== undefined, seenDeleted: seenDeleted.has(name), missingSinceMs: missingSince.get(name),
          pods: pods.byIndex(BY_NODE, name), now: new Date(ctx.clock.now()),
        });
        if (plan.action !== 'wait') missingSince.delete(name);
        if (plan.action === 'wait') missingSince.set(name, plan.missingSinceMs);
        if (plan.action !== 'collect') return { requeueAfterMs: plan.action === 'wait' ? plan.requeueAfterMs : undefined };
        if (await ctx.client.get<Node>('nodes', undefined, name).catch(unlessNotFound)) return {};
        for (const orphan of plan.pods) {
          ctx.log(`${POD_GC_CONTROLLER}: force-deleting pod ${cacheKey(orphan.pod)}: node "${name}" no longer exists`);
          await collect(ctx.client, orphan);
        }
        return {};
      },
    };
  },
});

/** gcTerminating: the terminating pods of a node out of service, once a fresh read confirms it still is. */
async function collectOutOfService(client: ApiClient, log: (m: string) => void, cached: Node, bound: readonly Pod[]): Promise<{ requeueAfterMs?: number }> {
  if (planOutOfService(cached, bound).length === 0) return {};
  const node = await client.get<Node>('nodes', undefined, cached.metadata.name ?? '').catch(unlessNotFound);
  for (const pod of node ? planOutOfService(node, bound) : []) {
    log(`${POD_GC_CONTROLLER}: force-deleting terminating pod ${cacheKey(pod.pod)}: node "${node?.metadata.name ?? ''}" is out of service`);
    await collect(client, pod);
  }
  return {};
}

/** markFailedAndDeletePodWithCondition, on the pod the plan saw (its uid as the precondition). */
async function collect(client: ApiClient, { pod, status }: OrphanCollection): Promise<void> {
  const { namespace, name = '', uid } = pod.metadata;
  if (status) {
    const written = await client.updateStatus<Pod>('pods', namespace, name, { ...pod, status }).catch(unlessNotFound);
    if (!written) return;
  }
  await client.delete<Pod>('pods', namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } }).catch(unlessNotFound);
}
