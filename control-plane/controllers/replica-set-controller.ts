/**
 * The ReplicaSet controller's wiring (decisions in replica-set-plan.ts): a ReplicaSet's key on
 * its own changes and on changes of its pods (through their controller reference, or, for an
 * orphan, every ReplicaSet whose selector matches it, which may adopt it). A pass adopts and
 * releases first, then creates pods in slow-start batches (1, 2, 4…) or deletes the ranked
 * victims, then writes status if it changed. Creations and deletions are expectations: until
 * the informer shows them, no pass creates or deletes again. After a restart the pods'
 * controller references, not memory, tell what exists, so a pass never doubles pods.
 */
import type { ReplicaSet } from '../../api/apps-v1';
import type { Pod } from '../../api/core-v1';
import { matchesLabels } from '../../api/label-selector';
import { cacheKey, type Informer } from '../store/informer';
import { unlessNotFound, type ApiClient, type EventSink } from './framework/api-client';
import { adoptionPatch, releasePatch } from './framework/controller-ref-manager';
import { changesOf, defineController } from './framework/define-controller';
import type { Expectations } from './framework/expectations';
import { BY_NAMESPACE, BY_OWNER_UID } from './framework/informer-factory';
import { controllerOf, ownerKey } from './framework/owner-references';
import { createControlledPod, deleteControlledPod, errorText, type PodControl } from './framework/pod-control';
import { allOrFirstFailure, slowStartBatch } from './framework/slow-start';
import { traceStep } from '../../base/step-trace';
import { planReplicaSet, planStatus, podFromTemplate, selectorOf, type ReplicaSetPlan } from './replica-set-plan';

const RS = 'replicasets.apps';

/** What one pass acts through. */
interface Pass {
  client: ApiClient;
  events: EventSink;
  expectations: Expectations<Pod>;
  key: string;
  rs: ReplicaSet;
}

export const replicaSetController = defineController({
  name: 'replicaset-controller',
  queue: { baseDelayMs: 100, maxDelayMs: 30_000 },
  setup(ctx) {
    const replicaSets = ctx.informers.forResource<ReplicaSet>(RS);
    const pods = ctx.informers.forResource<Pod>('pods');
    const expectations = ctx.expectations(pods);
    const events = ctx.events('replicaset-controller');
    const keysOf = (pod: Pod | undefined): string[] => (pod ? replicaSetsOf(pod, replicaSets) : []);
    return {
      watches: [changesOf(replicaSets, (rs) => [cacheKey(rs)]), changesOf(pods, (pod, old) => [...keysOf(pod), ...keysOf(old)])],
      async reconcile(key) {
        const rs = replicaSets.get(key);
        if (!rs) return expectations.forget(key);
        const now = new Date(ctx.clock.now());
        const namespace = rs.metadata.namespace ?? '';
        const controller = controllerOf(rs);
        const siblings = controller ? replicaSets.byIndex(BY_OWNER_UID, controller.uid).filter((s) => controllerOf(s)?.uid === controller.uid) : [];
        const plan = planReplicaSet({ rs, pods: pods.byIndex(BY_NAMESPACE, namespace), siblings, synced: expectations.satisfied(key), now });
        if (!plan) return {};
        const pass: Pass = { client: ctx.client, events, expectations, key, rs };
        await claim(pass, plan);
        const failure = await scale(pass, plan).then(() => undefined, (err: unknown) => err);
        const status = planStatus(rs, plan.claimed, failure === undefined ? undefined : errorText(failure), now);
        if (status.write) await ctx.client.updateStatus(RS, namespace, rs.metadata.name ?? '', { ...rs, status: status.write });
        if (failure !== undefined) throw failure;
        return { requeueAfterMs: status.requeueAfterMs };
      },
    };
  },
});

/** The keys a pod concerns: its controlling ReplicaSet, or for an orphan each ReplicaSet that would adopt it. */
function replicaSetsOf(pod: Pod, replicaSets: Informer<ReplicaSet>): string[] {
  if (controllerOf(pod)) return [ownerKey(pod, 'ReplicaSet', replicaSets)].filter((k): k is string => k !== undefined);
  const candidates = replicaSets.byIndex(BY_NAMESPACE, pod.metadata.namespace ?? '');
  return candidates.filter((rs) => {
    const selector = selectorOf(rs);
    return selector !== undefined && matchesLabels(selector, pod.metadata.labels);
  }).map(cacheKey);
}

/** Adoption (after a fresh read shows the ReplicaSet still there, as RecheckDeletionTimestamp), then release. */
async function claim(pass: Pass, plan: ReplicaSetPlan): Promise<void> {
  const { client, rs } = pass;
  const namespace = rs.metadata.namespace;
  if (plan.adopt.length > 0) await checkCanAdopt(client, rs);
  for (const pod of plan.adopt) await client.patch('pods', namespace, pod.metadata.name ?? '', 'strategic-merge-patch', adoptionPatch(rs, pod)).catch(unlessNotFound);
  for (const pod of plan.release) await client.patch('pods', namespace, pod.metadata.name ?? '', 'strategic-merge-patch', releasePatch(rs, pod)).catch(unlessNotFound);
}

async function checkCanAdopt(client: ApiClient, rs: ReplicaSet): Promise<void> {
  const fresh = await client.get<ReplicaSet>(RS, rs.metadata.namespace, rs.metadata.name ?? '');
  const name = `${rs.metadata.namespace ?? ''}/${rs.metadata.name ?? ''}`;
  if (fresh.metadata.uid !== rs.metadata.uid) throw new Error(`original ReplicaSet ${name} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${rs.metadata.uid ?? ''}`);
  if (fresh.metadata.deletionTimestamp) throw new Error(`${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}

async function scale(pass: Pass, plan: ReplicaSetPlan): Promise<void> {
  if (plan.create > 0) await slowStartBatch(plan.create, () => tracedCreate(pass));
  if (plan.delete.length > 0) await allOrFirstFailure(plan.delete.map((pod) => deleteControlledPod(control(pass), pod)));
}

/** One pod create of a slow-start batch, traced (base/step-trace.ts) so that a batch's round trip shows. */
async function tracedCreate(pass: Pass): Promise<void> {
  traceStep('pod-start', pass.key, 'rs-create-call');
  try {
    await createControlledPod(control(pass), podFromTemplate(pass.rs));
  } finally {
    traceStep('pod-start', pass.key, 'rs-create-done');
  }
}

function control({ client, events, expectations, key, rs }: Pass): PodControl {
  return { client, events, expectations, key, owner: rs };
}
