/**
 * The Deployment controller's wiring (decisions in deployment-plan.ts): a Deployment's key on
 * its own changes, on changes of its ReplicaSets (through their controller reference, or, for
 * an orphan, every Deployment whose selector matches it) and on the end of their pods (Recreate
 * waits for them). A pass adopts and releases ReplicaSets first (and looks again once the
 * cache shows that), then writes what the plan decided: ReplicaSets created or updated (each
 * once, with its ScalingReplicaSet events), old ones deleted, then the Deployment's status.
 * Every write is an expectation, so no pass acts on a cache that has not shown the last one;
 * after a restart the ReplicaSets' names (`<deploy>-<hash>`) and controller references, not
 * memory, tell what exists, so a create is never doubled (AlreadyExists is looked at, not retried).
 */
import type { Deployment, ReplicaSet } from '../../api/apps-v1';
import type { Pod } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import { matchesLabels, selectorFromLabelSelector, type Selector } from '../../api/label-selector';
import { cacheKey, type ChangeType, type Informer } from '../store/informer';
import { unlessNotFound, type ApiClient, type EventSink } from './framework/api-client';
import { adoptionPatch, claimChildren, releasePatch } from './framework/controller-ref-manager';
import { changesOf, defineController } from './framework/define-controller';
import { toBeGone, toSee, type Expectations } from './framework/expectations';
import { BY_NAMESPACE } from './framework/informer-factory';
import { controllerOf, ownerKey } from './framework/owner-references';
import { planCreateFailure, planDeployment, planNameCollision, type ReplicaSetWrite } from './deployment-plan';

const DEPLOYMENTS = 'deployments.apps';
const RS = 'replicasets.apps';

/** What one pass acts through. */
interface Pass {
  client: ApiClient;
  events: EventSink;
  replicaSets: Expectations<ReplicaSet>;
  self: Expectations<Deployment>;
  key: string;
  d: Deployment;
  now: Date;
}

export const deploymentController = defineController({
  name: 'deployment-controller',
  queue: { baseDelayMs: 100, maxDelayMs: 30_000 },
  setup(ctx) {
    const deployments = ctx.informers.forResource<Deployment>(DEPLOYMENTS);
    const replicaSets = ctx.informers.forResource<ReplicaSet>(RS);
    const pods = ctx.informers.forResource<Pod>('pods');
    const rsExpectations = ctx.expectations(replicaSets);
    const selfExpectations = ctx.expectations(deployments);
    const events = ctx.events('deployment-controller');
    const rsKeys = (rs: ReplicaSet | undefined): string[] => (rs ? deploymentsOf(rs, deployments) : []);
    return {
      watches: [
        changesOf(deployments, (d) => [cacheKey(d)]),
        changesOf(replicaSets, (rs, old) => [...rsKeys(rs), ...rsKeys(old)]),
        changesOf(pods, (pod, old, type) => (podGone(pod, old, type) ? deploymentOfPod(pod, replicaSets, deployments) : [])),
      ],
      async reconcile(key) {
        const d = deployments.get(key);
        if (!d) {
          rsExpectations.forget(key);
          selfExpectations.forget(key);
          return {};
        }
        if (!rsExpectations.satisfied(key) || !selfExpectations.satisfied(key)) return {};
        const selector = selectorOf(d);
        if (!selector) return {};
        const pass: Pass = { client: ctx.client, events, replicaSets: rsExpectations, self: selfExpectations, key, d, now: new Date(ctx.clock.now()) };
        const namespace = d.metadata.namespace ?? '';
        const claims = claimChildren(d, replicaSets.byIndex(BY_NAMESPACE, namespace), (rs) => matchesLabels(selector, rs.metadata.labels));
        if (claims.adopt.length > 0 || claims.release.length > 0) return claim(pass, claims.adopt, claims.release);
        const uids = new Set(claims.claimed.map((rs) => rs.metadata.uid));
        const owned = pods.byIndex(BY_NAMESPACE, namespace).filter((p) => uids.has(controllerOf(p)?.uid));
        const plan = planDeployment({ deployment: d, replicaSets: claims.claimed, pods: owned, now: pass.now });
        for (const write of plan.writes) if (!(await writeReplicaSet(pass, write))) return {};
        for (const rs of plan.deletes) await deleteReplicaSet(pass, rs);
        if (plan.deployment) await writeDeployment(pass, plan.deployment);
        return { requeueAfterMs: plan.requeueAfterMs };
      },
    };
  },
});

function selectorOf(d: Deployment): Selector | undefined {
  try {
    return selectorFromLabelSelector(d.spec.selector);
  } catch {
    return undefined;
  }
}

/** The keys a ReplicaSet concerns: its controlling Deployment, or for an orphan each Deployment that would adopt it. */
function deploymentsOf(rs: ReplicaSet, deployments: Informer<Deployment>): string[] {
  if (controllerOf(rs)) return [ownerKey(rs, 'Deployment', deployments)].filter((k): k is string => k !== undefined);
  return deployments.byIndex(BY_NAMESPACE, rs.metadata.namespace ?? '').filter((d) => {
    const selector = selectorOf(d);
    return selector !== undefined && matchesLabels(selector, rs.metadata.labels);
  }).map(cacheKey);
}

/** A pod that is gone or has just finished: what a Recreate rollout waits for. */
function podGone(pod: Pod, old: Pod | undefined, type: ChangeType): boolean {
  const finished = (p: Pod | undefined): boolean => p?.status?.phase === 'Succeeded' || p?.status?.phase === 'Failed';
  return type === 'DELETED' || (finished(pod) && !finished(old));
}

function deploymentOfPod(pod: Pod, replicaSets: Informer<ReplicaSet>, deployments: Informer<Deployment>): string[] {
  const rsKey = ownerKey(pod, 'ReplicaSet', replicaSets);
  const rs = rsKey === undefined ? undefined : replicaSets.get(rsKey);
  const key = rs && ownerKey(rs, 'Deployment', deployments);
  return key === undefined ? [] : [key];
}

/** Adoption (after a fresh read shows the Deployment still there), then release; the cache's news brings the next pass. */
async function claim(pass: Pass, adopt: ReplicaSet[], release: ReplicaSet[]): Promise<{ requeueAfterMs?: number }> {
  const { client, d } = pass;
  if (adopt.length > 0) await checkCanAdopt(client, d);
  for (const rs of adopt) await expectPatch(pass, rs, adoptionPatch(d, rs));
  for (const rs of release) await expectPatch(pass, rs, releasePatch(d, rs));
  return {};
}

async function expectPatch(pass: Pass, rs: ReplicaSet, patch: unknown): Promise<void> {
  const patched = await pass.client.patch<ReplicaSet>(RS, rs.metadata.namespace, rs.metadata.name ?? '', 'strategic-merge-patch', patch).catch(unlessNotFound);
  if (patched) pass.replicaSets.expect(pass.key, toSee(patched.object));
}

async function checkCanAdopt(client: ApiClient, d: Deployment): Promise<void> {
  const fresh = await client.get<Deployment>(DEPLOYMENTS, d.metadata.namespace, d.metadata.name ?? '');
  const name = `${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`;
  if (fresh.metadata.uid !== d.metadata.uid) throw new Error(`original Deployment ${name} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${d.metadata.uid ?? ''}`);
  if (fresh.metadata.deletionTimestamp) throw new Error(`${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}

/** False when the pass must stop and wait for the cache (the ReplicaSet to create already exists, ours). */
async function writeReplicaSet(pass: Pass, write: ReplicaSetWrite): Promise<boolean> {
  const { client, d } = pass;
  const name = write.rs.metadata.name ?? '';
  const written = write.action === 'create'
    ? await client.create<ReplicaSet>(RS, d.metadata.namespace, write.rs).catch((err: unknown) => createFailed(pass, name, err))
    : (await client.update<ReplicaSet>(RS, d.metadata.namespace, name, write.rs)).object;
  if (!written) return false;
  pass.replicaSets.expect(pass.key, toSee(written));
  for (const e of write.events) await pass.events.record(d, e.type, e.reason, e.message);
  return true;
}

/**
 * AlreadyExists: ours (made by a pass the cache does not show yet, or before a restart): wait
 * for the cache; anyone else's: a hash collision (collisionCount + 1, the next pass hashes to
 * another name). Other failures are reported (condition and event) and retried.
 */
async function createFailed(pass: Pass, name: string, err: unknown): Promise<undefined> {
  const { client, d } = pass;
  if (isApiError(err, 'AlreadyExists')) {
    const existing = await client.get<ReplicaSet>(RS, d.metadata.namespace, name);
    const collided = planNameCollision(d, existing);
    if (!collided) {
      pass.replicaSets.expect(pass.key, toSee(existing));
      return undefined;
    }
    await writeDeployment(pass, collided);
    throw err;
  }
  if (isApiError(err, 'Forbidden') && err.causes.some((c) => c.reason === 'NamespaceTerminating')) throw err;
  const failure = planCreateFailure(d, name, err instanceof Error ? err.message : String(err), pass.now);
  if (failure.deployment) await writeDeployment(pass, failure.deployment);
  await pass.events.record(d, failure.event.type, failure.event.reason, failure.event.message);
  throw err;
}

async function deleteReplicaSet(pass: Pass, rs: ReplicaSet): Promise<void> {
  await pass.client.delete(RS, rs.metadata.namespace, rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid } }).catch(unlessNotFound);
  pass.replicaSets.expect(pass.key, toBeGone(rs));
}

async function writeDeployment(pass: Pass, d: Deployment): Promise<void> {
  const written = await pass.client.updateStatus<Deployment>(DEPLOYMENTS, d.metadata.namespace, d.metadata.name ?? '', d);
  pass.self.expect(pass.key, toSee(written));
}
