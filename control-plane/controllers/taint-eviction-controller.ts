/**
 * The taint-eviction controller's wiring (decisions in taint-eviction-plan.ts), Kubernetes'
 * `taint-eviction-controller`: a pod's key on its own changes that matter (node, tolerations,
 * deletion) and, for every pod bound to a node, on a change of that node's NoExecute taints.
 * Scheduled evictions are in-memory deadlines met by `requeueAfterMs` on the injected clock;
 * a pass that finds the taint gone forgets them. Only the leader runs it: a new leader starts
 * each countdown afresh when it first sees the pod, as Kubernetes' does, so it is never early.
 *
 * An eviction records `TaintManagerEviction` "Marking for deletion Pod ns/name" (on a
 * reference without uid, as Kubernetes', so `kubectl get events` shows it and describe does
 * not), sets the DisruptionTarget condition on a fresh read of the pod, then deletes it
 * (gracefully: a pod on an unreachable node stays Terminating until its node confirms, and its
 * controller replaces it meanwhile). Nothing is written while no node has a NoExecute taint.
 *
 * A pod that must not run twice (api/at-most-one.ts) on an unreachable node is force-deleted
 * instead, once its node has been silent for the fencing period plus the margin (ctx.fencing),
 * counted as the node lifecycle controller counts silence (node-silence.ts): from the node's
 * last sign of life or from when this leader first looked at the node, whichever is later, so
 * time when no control plane was there, or this one was stalled, never counts. The node is checked alive-or-not again just before the delete.
 */
import { atMostOneReason, claimAccessModes } from '../../api/at-most-one';
import type { Node, ObjectReference, PersistentVolumeClaim, Pod, Toleration } from '../../api/core-v1';
import type { KubeObject } from '../../api/meta';
import { DEFAULT_FENCING_TIMES } from '../../base/fencing-times';
import { isApiError } from '../../api/errors';
import { stableJson } from '../registry/object-meta';
import { cacheKey } from '../store/informer';
import { unlessNotFound, type ApiClient, type EventSink } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { BY_NODE } from './framework/informer-factory';
import { DELETION_BY_TAINT_MANAGER, withDisruptionTarget } from '../../api/pod-disruption-condition';
import { NodeSilence } from './node-silence';
import { noExecuteTaints, planTaintEviction, type EvictionState, type FencingInput } from './taint-eviction-plan';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';
export const REASON_TAINT_MANAGER_EVICTION = 'TaintManagerEviction';
/** Attempts at marking and deleting one pod when its reads go stale (Kubernetes' `retries`). */
const ATTEMPTS = 5;
/**
 * Pods evicted side by side, as Kubernetes' UpdateWorkerSize (8): the pods of a lost node share
 * one deadline, and each eviction is several writes (event, condition, delete); one at a time
 * they would reach their ReplicaSets a round trip apart each.
 */
const WORKERS = 8;

export const taintEvictionController = defineController({
  name: TAINT_EVICTION_CONTROLLER,
  queue: { workers: WORKERS },
  setup(ctx) {
    const pods = ctx.informers.forResource<Pod>('pods');
    const nodes = ctx.informers.forResource<Node>('nodes');
    const events = ctx.events(TAINT_EVICTION_CONTROLLER);
    const claims = ctx.informers.forResource<PersistentVolumeClaim & KubeObject>('persistentvolumeclaims');
    const states = new Map<string, EvictionState>();
    const fencing = ctx.fencing ?? DEFAULT_FENCING_TIMES;
    /** Silence before this leader began, or while this replica was stalled, is not its to count. */
    const silence = new NodeSilence(ctx.liveness);
    const fencingOf = (pod: Pod, nodeName: string): FencingInput | undefined => {
      const accessModes = (namespace: string, name: string): readonly string[] | undefined => claimAccessModes(claims.get(`${namespace}/${name}`));
      if (!atMostOneReason(pod, accessModes)) return undefined;
      // Asked on every look, alive or not: the first look is when this leader starts counting
      // the node (node-silence.ts), and a first look only once the node is silent would start
      // its count a grace period late.
      const silentForMs = silence.silentForMs(nodeName);
      return { silentForMs: ctx.liveness.isAlive(nodeName) ? 0 : silentForMs, afterMs: fencing.periodMs + fencing.marginMs };
    };
    const podsOn = (node: Node): string[] => pods.byIndex(BY_NODE, node.metadata.name ?? '').map(cacheKey);
    return {
      watches: [
        changesOf(pods, (pod, old, type) => (type === 'MODIFIED' && old && !evictionInputsChanged(pod, old) ? [] : [cacheKey(pod)])),
        changesOf(nodes, (node, old, type) => (type === 'MODIFIED' && old && stableJson(noExecuteTaints(node)) === stableJson(noExecuteTaints(old)) ? [] : podsOn(node))),
      ],
      async reconcile(key) {
        const pod = pods.get(key);
        const nodeName = pod?.spec?.nodeName ?? '';
        const node = nodeName ? nodes.get(nodeName) : undefined;
        const plan = planTaintEviction({ pod, node, state: states.get(key), nowMs: ctx.clock.now(), fencing: pod && node ? fencingOf(pod, nodeName) : undefined });
        if (plan.next) states.set(key, plan.next);
        else states.delete(key);
        if (plan.cancelled) await events.record(podReference(key), 'Normal', REASON_TAINT_MANAGER_EVICTION, `Cancelling deletion of Pod ${key}`);
        if (plan.evict && plan.force && pod) {
          // The agent may have come back since the plan's reading: then it stops the pod itself.
          if (ctx.liveness.isAlive(nodeName)) return void states.delete(key);
          ctx.log(`${TAINT_EVICTION_CONTROLLER}: force-deleting pod ${key}: it must not run twice and node ${nodeName} has been silent past the fencing period plus margin (${fencing.periodMs + fencing.marginMs} ms); its agent has stopped it`);
          await evict(ctx.client, events, pod, () => new Date(ctx.clock.now()), true).catch((err: unknown) => {
            states.delete(key);
            throw err;
          });
        } else if (plan.evict && pod) {
          ctx.log(`${TAINT_EVICTION_CONTROLLER}: deleting pod ${key} (node ${pod.spec?.nodeName ?? ''} has a NoExecute taint it does not tolerate any longer)`);
          await evict(ctx.client, events, pod, () => new Date(ctx.clock.now())).catch((err: unknown) => {
            states.delete(key);
            throw err;
          });
        }
        return { requeueAfterMs: plan.requeueAfterMs };
      },
    };
  },
});

/** The pod's node, tolerations or deletion changed (Kubernetes looks again on the first two; a deletion ends the countdown). */
function evictionInputsChanged(pod: Pod, old: Pod): boolean {
  const tolerations = (p: Pod): Toleration[] => p.spec?.tolerations ?? [];
  return pod.spec?.nodeName !== old.spec?.nodeName
    || Boolean(pod.metadata.deletionTimestamp) !== Boolean(old.metadata.deletionTimestamp)
    || pod.metadata.uid !== old.metadata.uid
    || stableJson(tolerations(pod)) !== stableJson(tolerations(old));
}

/** The reference Kubernetes' taint manager records its events on: kind, apiVersion, namespace and name only. */
function podReference(key: string): ObjectReference {
  const slash = key.indexOf('/');
  return { apiVersion: 'v1', kind: 'Pod', namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

async function evict(client: ApiClient, events: EventSink, pod: Pod, now: () => Date, force = false): Promise<void> {
  const key = cacheKey(pod);
  // Not awaited, as Kubernetes' asynchronous recorder: the delete need not wait a write for it (record never rejects).
  void events.record(podReference(key), 'Normal', REASON_TAINT_MANAGER_EVICTION, `Marking for deletion Pod ${key}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await markAndDelete(client, pod, now(), force);
    } catch (err: unknown) {
      if (!isApiError(err, 'Conflict') || attempt >= ATTEMPTS) throw err;
    }
  }
}

/** On a fresh read, as Kubernetes: the pod seen by the plan (same uid), still not terminating (unless forced). */
async function markAndDelete(client: ApiClient, seen: Pod, now: Date, force: boolean): Promise<void> {
  const { namespace, name = '', uid } = seen.metadata;
  const pod = await client.get<Pod>('pods', namespace, name).catch(unlessNotFound);
  if (!pod || pod.metadata.uid !== uid || (pod.metadata.deletionTimestamp && !force)) return;
  const status = withDisruptionTarget(pod.status, DELETION_BY_TAINT_MANAGER, now);
  if (status) await client.updateStatus<Pod>('pods', namespace, name, { ...pod, status });
  const grace = force ? { gracePeriodSeconds: 0 } : {};
  await client.delete<Pod>('pods', namespace, name, { preconditions: { uid }, ...grace }).catch(unlessNotFound);
}
