/**
 * The StatefulSet controller's wiring (decisions in stateful-set-plan.ts, -revisions.ts,
 * -claims.ts, -pods.ts): a set's key on its own changes, on changes of its pods (through their
 * controller reference, or, for an orphan, every set in the namespace that would adopt it) and
 * of its ControllerRevisions. A pass adopts and releases pods and revisions, settles the update
 * revision (creating or renumbering a ControllerRevision), executes the plan, writes status
 * only when it changed, and trims the history to revisionHistoryLimit.
 *
 * Safe across a SIGKILL at any moment: pods and claims have fixed names, so a creation repeated
 * after a restart answers AlreadyExists instead of doubling anything; revisions are named by
 * their content's hash. Expectations keep a pass from acting again before the informer shows
 * this controller's own pod writes.
 */
import type { ControllerRevision, StatefulSet } from '../../api/apps-v1';
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import { matchesLabels } from '../../api/label-selector';
import type { KubeObject } from '../../api/meta';
import { cacheKey, type Informer } from '../store/informer';
import { unlessNotFound, type ApiClient, type EventSink } from './framework/api-client';
import { claimChildren } from './framework/controller-ref-manager';
import { createControllerRevision } from './framework/controller-history';
import { changesOf, defineController } from './framework/define-controller';
import { toBeDeleting, toSee, type Expectations } from './framework/expectations';
import { BY_NAMESPACE } from './framework/informer-factory';
import { controllerOf, ownerKey } from './framework/owner-references';
import { allOrFirstFailure, slowStartBatch } from './framework/slow-start';
import { adoptAndRelease } from './stateful-set-adoption';
import { planStatefulSet, statefulSetSelector, statusChanged, type StatefulSetAction } from './stateful-set-plan';
import { isMemberOf } from './stateful-set-pods';
import { currentRevisionOf, planUpdateRevision, revisionsToTruncate } from './stateful-set-revisions';

const STS = 'statefulsets.apps';
const REVISIONS = 'controllerrevisions.apps';
const CLAIMS = 'persistentvolumeclaims';
type StoredClaim = PersistentVolumeClaim & KubeObject;

/** What one pass acts through. */
interface Pass {
  client: ApiClient;
  events: EventSink;
  expectations: Expectations<Pod>;
  key: string;
  set: StatefulSet;
}

export const statefulSetController = defineController({
  name: 'statefulset-controller',
  queue: { baseDelayMs: 100, maxDelayMs: 30_000 },
  setup(ctx) {
    const sets = ctx.informers.forResource<StatefulSet>(STS);
    const pods = ctx.informers.forResource<Pod>('pods');
    const revisions = ctx.informers.forResource<ControllerRevision>(REVISIONS);
    const claims = ctx.informers.forResource<StoredClaim>(CLAIMS);
    const expectations = ctx.expectations(pods);
    const events = ctx.events('statefulset-controller');
    const podKeys = (pod: Pod | undefined): string[] => (pod ? setsOf(pod, sets) : []);
    const revisionKeys = (r: ControllerRevision | undefined): string[] => [r && ownerKey(r, 'StatefulSet', sets)].filter((k): k is string => k !== undefined);
    const claimOf = (namespace: string, name: string): PersistentVolumeClaim | undefined => claims.get(`${namespace}/${name}`);
    return {
      watches: [
        changesOf(sets, (set) => [cacheKey(set)]),
        changesOf(pods, (pod, old) => [...podKeys(pod), ...podKeys(old)]),
        changesOf(revisions, (r, old) => [...revisionKeys(r), ...revisionKeys(old)]),
        // A claim going away (or changing owners) may unblock a pod waiting for it.
        changesOf(claims, (claim) => setsOfClaim(claim, sets)),
      ],
      async reconcile(key) {
        const set = sets.get(key);
        if (!set) return expectations.forget(key);
        const selector = statefulSetSelector(set);
        if (!selector) return {};
        const namespace = set.metadata.namespace ?? '';
        const pass: Pass = { client: ctx.client, events, expectations, key, set };
        const ownPods = claimChildren(set, pods.byIndex(BY_NAMESPACE, namespace), (p) => isMemberOf(set, p) && matchesLabels(selector, p.metadata.labels));
        const ownRevisions = claimChildren(set, revisions.byIndex(BY_NAMESPACE, namespace), (r) => matchesLabels(selector, r.metadata.labels));
        await adoptAndRelease(ctx.client, set, [{ resource: 'pods', claims: ownPods }, { resource: REVISIONS, claims: ownRevisions }]);
        const history = ownRevisions.claimed;
        const { revision: update, collisionCount } = await settleUpdateRevision(ctx.client, set, history);
        const current = currentRevisionOf(set, history, update);
        const now = new Date(ctx.clock.now());
        const plan = planStatefulSet({ set, pods: pods.byIndex(BY_NAMESPACE, namespace), claimOf, currentRevision: current, updateRevision: update, collisionCount, synced: expectations.satisfied(key), now });
        if (!plan) return {};
        const failure = await execute(pass, plan.actions, plan.parallel).then(() => undefined, (err: unknown) => err);
        if (statusChanged(set.status, plan.status)) await ctx.client.updateStatus(STS, namespace, set.metadata.name ?? '', { ...set, status: plan.status });
        const all = history.some((r) => r.metadata.uid === update.metadata.uid) ? history : [...history, update];
        for (const old of revisionsToTruncate(set, ownPods.claimed, all, current, update)) {
          await ctx.client.delete(REVISIONS, namespace, old.metadata.name ?? '', { preconditions: { uid: old.metadata.uid } }).catch(unlessNotFound);
        }
        if (failure !== undefined) throw failure;
        return { requeueAfterMs: plan.requeueAfterMs };
      },
    };
  },
});

/** The keys a pod concerns: its controlling set, or for an orphan each set that would adopt it. */
function setsOf(pod: Pod, sets: Informer<StatefulSet>): string[] {
  if (controllerOf(pod)) return [ownerKey(pod, 'StatefulSet', sets)].filter((k): k is string => k !== undefined);
  return sets.byIndex(BY_NAMESPACE, pod.metadata.namespace ?? '').filter((set) => {
    const selector = statefulSetSelector(set);
    return selector !== undefined && isMemberOf(set, pod) && matchesLabels(selector, pod.metadata.labels);
  }).map(cacheKey);
}

/** The sets in the claim's namespace whose templates name it (`<template>-<set>-<ordinal>`). */
function setsOfClaim(claim: StoredClaim, sets: Informer<StatefulSet>): string[] {
  const name = claim.metadata.name ?? '';
  return sets.byIndex(BY_NAMESPACE, claim.metadata.namespace ?? '').filter((set) => (set.spec.volumeClaimTemplates ?? []).some((t) => {
    const prefix = `${t.metadata.name ?? ''}-${set.metadata.name ?? ''}-`;
    return name.startsWith(prefix) && /^[0-9]+$/.test(name.slice(prefix.length));
  })).map(cacheKey);
}

/** getStatefulSetRevisions' writes: the update revision as it exists once created or renumbered. */
async function settleUpdateRevision(client: ApiClient, set: StatefulSet, history: readonly ControllerRevision[]): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const collisionCount = set.status?.collisionCount ?? 0;
  const plan = planUpdateRevision(set, history);
  switch (plan.op) {
    case 'keep':
      return { revision: plan.revision, collisionCount };
    case 'renumber': {
      const { object } = await client.update<ControllerRevision>(REVISIONS, set.metadata.namespace, plan.revision.metadata.name ?? '', { ...plan.revision, revision: plan.to });
      return { revision: object, collisionCount };
    }
    case 'create':
      return createControllerRevision(client, set, plan.revision, collisionCount);
  }
}

/** Under OrderedReady one action after another; under Parallel in slow-start batches. A failure ends the pass. */
async function execute(pass: Pass, actions: readonly StatefulSetAction[], parallel: boolean): Promise<void> {
  if (!parallel) {
    for (const action of actions) await perform(pass, action);
    return;
  }
  const queue = [...actions];
  await slowStartBatch(queue.length, () => perform(pass, queue.shift() as StatefulSetAction));
}

async function perform(pass: Pass, action: StatefulSetAction): Promise<void> {
  switch (action.op) {
    case 'create':
      return createPod(pass, action.pod, action.claims);
    case 'createClaims':
      return createClaims(pass, action.pod, action.claims);
    case 'update':
      return updatePod(pass, action.pod, action.claims, action.reown);
    case 'reown':
      return reownClaims(pass, action.reown);
    case 'delete':
      return deletePod(pass, action.pod);
  }
}

function setName(set: StatefulSet): string {
  return set.metadata.name ?? '';
}

/** createPersistentVolumeClaims: each missing claim, with an event; one that exists already is the goal met. */
async function createClaims({ client, events, set }: Pass, pod: Pod, claims: readonly PersistentVolumeClaim[]): Promise<void> {
  await allOrFirstFailure(claims.map(async (claim) => {
    const name = claim.metadata.name ?? '';
    try {
      await client.create<StoredClaim>(CLAIMS, set.metadata.namespace, claim as StoredClaim);
      await events.record(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName(set)} success`);
    } catch (err: unknown) {
      if (isApiError(err, 'AlreadyExists')) return;
      await events.record(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName(set)} failed error: ${errorMessage(err)}`);
      throw new Error(`failed to create PVC ${name}: ${errorMessage(err)}`);
    }
  }));
}

/** CreateStatefulPod: the claims first, then the pod (a fixed name: a repeat answers AlreadyExists). */
async function createPod(pass: Pass, pod: Pod, claims: readonly PersistentVolumeClaim[]): Promise<void> {
  const { client, events, expectations, key, set } = pass;
  const what = `create Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName(set)}`;
  try {
    await createClaims(pass, pod, claims);
    const created = await client.create<Pod>('pods', set.metadata.namespace, pod);
    expectations.expect(key, toSee(created));
    await events.record(set, 'Normal', 'SuccessfulCreate', `${what} successful`);
  } catch (err: unknown) {
    if (isApiError(err, 'AlreadyExists')) throw err;
    // Every creation fails in a namespace being terminated, and nothing is wrong: it is going (as Kubernetes).
    if (isApiError(err, 'Forbidden') && err.causes.some((c) => c.reason === 'NamespaceTerminating')) return;
    await events.record(set, 'Warning', 'FailedCreate', `${what} failed error: ${errorMessage(err)}`);
    throw err;
  }
}

/** UpdateStatefulPod: missing claims, claim references, then the pod's identity and storage. */
async function updatePod(pass: Pass, pod: Pod, claims: readonly PersistentVolumeClaim[], reown: readonly PersistentVolumeClaim[]): Promise<void> {
  const { client, events, expectations, key, set } = pass;
  const what = `update Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName(set)}`;
  try {
    await createClaims(pass, pod, claims);
    await reownClaims(pass, reown);
    const { object } = await client.update<Pod>('pods', pod.metadata.namespace, pod.metadata.name ?? '', pod);
    expectations.expect(key, toSee(object));
    await events.record(set, 'Normal', 'SuccessfulUpdate', `${what} successful`);
  } catch (err: unknown) {
    if (!isApiError(err, 'Conflict')) await events.record(set, 'Warning', 'FailedUpdate', `${what} failed error: ${errorMessage(err)}`);
    throw err;
  }
}

/** UpdatePodClaimForRetentionPolicy: each claim written with its new references (its resourceVersion a precondition). */
async function reownClaims({ client, set }: Pass, claims: readonly PersistentVolumeClaim[]): Promise<void> {
  for (const claim of claims) await client.update<StoredClaim>(CLAIMS, set.metadata.namespace, claim.metadata.name ?? '', claim as StoredClaim).catch(unlessNotFound);
}

async function deletePod({ client, events, expectations, key, set }: Pass, pod: Pod): Promise<void> {
  const what = `delete Pod ${pod.metadata.name ?? ''} in StatefulSet ${setName(set)}`;
  try {
    await client.delete('pods', pod.metadata.namespace, pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } }).catch(unlessNotFound);
    expectations.expect(key, toBeDeleting(pod));
    await events.record(set, 'Normal', 'SuccessfulDelete', `${what} successful`);
  } catch (err: unknown) {
    await events.record(set, 'Warning', 'FailedDelete', `${what} failed error: ${errorMessage(err)}`);
    throw err;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
