/**
 * The DaemonSet controller's wiring (decisions in daemon-set-plan.ts, daemon-set-pods.ts and
 * daemon-set-history.ts): a DaemonSet's key on its own changes, its pods' and revisions'
 * (through their controller reference, or for an orphan pod every DaemonSet that would adopt
 * it), and a node's change that alters whether it should run the DaemonSet's pod. A pass
 * builds the history (the current ControllerRevision, whose hash labels new pods), claims
 * pods, then — once expectations are met — creates pods pinned to their nodes in slow-start
 * batches and deletes the pods that must go (failed ones with a per-node backoff), or takes
 * the rolling update's next step, trims the history, and writes status if it changed.
 */
import type { ControllerRevision, DaemonSet } from '../../api/apps-v1';
import type { Node, Pod } from '../../api/core-v1';
import { matchesLabels } from '../../api/label-selector';
import { Backoff } from '../../base/backoff';
import { cacheKey, type Informer } from '../store/informer';
import { unlessNotFound, type ApiClient, type EventSink } from './framework/api-client';
import { adoptionPatch, releasePatch } from './framework/controller-ref-manager';
import { changesOf, defineController } from './framework/define-controller';
import type { Expectations } from './framework/expectations';
import { BY_NAMESPACE } from './framework/informer-factory';
import { controllerOf, ownerKey } from './framework/owner-references';
import { createControlledPod, deleteControlledPod, type PodControl } from './framework/pod-control';
import { allOrFirstFailure, slowStartBatch } from './framework/slow-start';
import { historyToDelete } from './daemon-set-history';
import { checkCanAdopt, constructHistory } from './daemon-set-history-writer';
import { planDaemonSet, planDaemonSetStatus, podsByNode, selectorOf, selectsEverything, type DaemonSetPlan, type DaemonSetState } from './daemon-set-plan';
import { daemonPodFor, daemonPodTemplate, nodeShouldRunDaemonPod } from './daemon-set-pods';

const DS = 'daemonsets.apps';
const REVISIONS = 'controllerrevisions.apps';

/** What one pass acts through. */
interface Pass {
  client: ApiClient;
  events: EventSink;
  expectations: Expectations<Pod>;
  key: string;
  ds: DaemonSet;
}

export const daemonSetController = defineController({
  name: 'daemonset-controller',
  queue: { baseDelayMs: 100, maxDelayMs: 30_000 },
  setup(ctx) {
    const daemonSets = ctx.informers.forResource<DaemonSet>(DS);
    const pods = ctx.informers.forResource<Pod>('pods');
    const nodes = ctx.informers.forResource<Node>('nodes');
    const revisions = ctx.informers.forResource<ControllerRevision>(REVISIONS);
    const expectations = ctx.expectations(pods);
    const events = ctx.events('daemonset-controller');
    // flowcontrol.NewBackOff(1s, 15min): failed daemon pods are deleted at most this often per node.
    const failedPodsBackoff = new Backoff(ctx.clock, { initialMs: 1000, maxMs: 15 * 60_000 });
    const podKeys = (pod: Pod | undefined): string[] => (pod ? daemonSetsOf(pod, daemonSets) : []);
    const revisionKeys = (r: ControllerRevision | undefined): string[] => [r && ownerKey(r, 'DaemonSet', daemonSets)].filter((k): k is string => k !== undefined);
    return {
      watches: [
        changesOf(daemonSets, (ds) => [cacheKey(ds)]),
        changesOf(pods, (pod, old) => [...podKeys(pod), ...podKeys(old)]),
        changesOf(revisions, (r, old) => [...revisionKeys(r), ...revisionKeys(old)]),
        changesOf(nodes, (node, old, type) => daemonSetsConcerned(daemonSets.list(), type === 'DELETED' ? undefined : node, type === 'ADDED' ? undefined : old ?? node)),
      ],
      async reconcile(key) {
        const ds = daemonSets.get(key);
        if (!ds) return expectations.forget(key);
        if (selectsEverything(ds)) return void (await events.record(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.'));
        if (ds.metadata.deletionTimestamp || !selectorOf(ds)) return {};
        const pass: Pass = { client: ctx.client, events, expectations, key, ds };
        const history = await constructHistory(pass.client, ds, revisions.byIndex(BY_NAMESPACE, ds.metadata.namespace ?? ''), pods);
        const state: DaemonSetState = {
          ds, nodes: nodes.list(), pods: pods.byIndex(BY_NAMESPACE, ds.metadata.namespace ?? ''), hash: history.hash,
          synced: expectations.satisfied(key), now: new Date(ctx.clock.now()), failedBackoffUntil: (k) => failedPodsBackoff.blockedUntil(k),
        };
        const plan = planDaemonSet(state);
        if (!plan) return {};
        await claim(pass, plan);
        const failure = state.synced ? await act(pass, plan, history, failedPodsBackoff).then(() => undefined, (err: unknown) => err) : undefined;
        const status = planDaemonSetStatus(state, plan.claimed, state.synced);
        if (status.write) await ctx.client.updateStatus(DS, ds.metadata.namespace, ds.metadata.name ?? '', { ...ds, status: status.write });
        if (failure !== undefined) throw failure;
        const waits = [plan.requeueAfterMs, status.requeueAfterMs].filter((ms): ms is number => ms !== undefined);
        return { requeueAfterMs: waits.length > 0 ? Math.min(...waits) : undefined };
      },
    };
  },
});

/** The keys a pod concerns: its controlling DaemonSet, or for an orphan each DaemonSet that would adopt it. */
function daemonSetsOf(pod: Pod, daemonSets: Informer<DaemonSet>): string[] {
  if (controllerOf(pod)) return [ownerKey(pod, 'DaemonSet', daemonSets)].filter((k): k is string => k !== undefined);
  return daemonSets.byIndex(BY_NAMESPACE, pod.metadata.namespace ?? '').filter((ds) => {
    const selector = selectorOf(ds);
    return selector !== undefined && matchesLabels(selector, pod.metadata.labels);
  }).map(cacheKey);
}

/** The DaemonSets for which the node's change alters whether it should run (or keep running) their pod. */
function daemonSetsConcerned(all: readonly DaemonSet[], node: Node | undefined, old: Node | undefined): string[] {
  const verdict = (n: Node | undefined, ds: DaemonSet): string => (n ? JSON.stringify(nodeShouldRunDaemonPod(n, ds)) : 'none');
  return all.filter((ds) => verdict(node, ds) !== verdict(old, ds)).map(cacheKey);
}

/** Adoption (after a fresh read shows the DaemonSet still there, as RecheckDeletionTimestamp), then release. */
async function claim(pass: Pass, plan: DaemonSetPlan): Promise<void> {
  const { client, ds } = pass;
  if (plan.adopt.length > 0) await checkCanAdopt(client, ds);
  for (const pod of plan.adopt) await client.patch('pods', ds.metadata.namespace, pod.metadata.name ?? '', 'strategic-merge-patch', adoptionPatch(ds, pod)).catch(unlessNotFound);
  for (const pod of plan.release) await client.patch('pods', ds.metadata.namespace, pod.metadata.name ?? '', 'strategic-merge-patch', releasePatch(ds, pod)).catch(unlessNotFound);
}

/** syncNodes, then (on success) cleanupHistory. */
async function act(pass: Pass, plan: DaemonSetPlan, history: { hash: string; old: ControllerRevision[] }, backoff: Backoff): Promise<void> {
  const { ds, events } = pass;
  for (const { pod, node, backoffKey } of plan.failed) {
    backoff.next(backoffKey);
    await events.record(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${node}, will try to kill it`);
  }
  for (const { pod, node } of plan.succeeded) {
    await events.record(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${node}, will try to delete it`);
  }
  const template = daemonPodTemplate(ds, history.hash);
  const queue = [...plan.create];
  const creating = queue.length > 0 ? slowStartBatch(queue.length, () => createControlledPod(control(pass), daemonPodFor(ds, template, queue.shift() ?? ''))).then(() => undefined, (err: unknown) => err) : Promise.resolve(undefined);
  const deleting = allOrFirstFailure(plan.delete.map((pod) => deleteControlledPod(control(pass), pod))).then(() => undefined, (err: unknown) => err);
  const failures = (await Promise.all([creating, deleting])).filter((e) => e !== undefined);
  if (failures.length > 0) throw failures[0];
  for (const revision of historyToDelete(ds, history.old, [...podsByNode(plan.claimed).values()].flat())) {
    await pass.client.delete(REVISIONS, ds.metadata.namespace, revision.metadata.name ?? '').catch(unlessNotFound);
  }
}

function control({ client, events, expectations, key, ds }: Pass): PodControl {
  return { client, events, expectations, key, owner: ds };
}
