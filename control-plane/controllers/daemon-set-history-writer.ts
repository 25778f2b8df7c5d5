/**
 * The DaemonSet controller's history writes (pkg/controller/daemon/update.go constructHistory,
 * 1.32; decisions in daemon-set-history.ts): claims the revisions, creates the current one
 * (snapshot) or keeps it (deduplicated, renumbered past the old ones), and answers the hash new
 * pods are labelled with and the old revisions cleanup may delete.
 */
import { CONTROLLER_REVISION_HASH_LABEL_KEY, type ControllerRevision, type DaemonSet } from '../../api/apps-v1';
import type { Pod } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import type { Informer } from '../store/informer';
import { unlessNotFound, type ApiClient } from './framework/api-client';
import { adoptionPatch, releasePatch } from './framework/controller-ref-manager';
import { BY_NAMESPACE } from './framework/informer-factory';
import { controllerOf } from './framework/owner-references';
import { claimRevisions, daemonSetRevision, matchesRevision, planHistory, type HistoryPlan } from './daemon-set-history';

const DS = 'daemonsets.apps';
const REVISIONS = 'controllerrevisions.apps';

/** constructHistory: the current revision (created, deduplicated or renumbered as needed) and the old ones. */
export async function constructHistory(client: ApiClient, ds: DaemonSet, namespaceRevisions: readonly ControllerRevision[], pods: Informer<Pod>): Promise<{ hash: string; old: ControllerRevision[] }> {
  const claims = claimRevisions(ds, namespaceRevisions);
  if (!claims) return { hash: '', old: [] };
  if (claims.adopt.length > 0) await checkCanAdopt(client, ds);
  for (const r of claims.adopt) await client.patch(REVISIONS, ds.metadata.namespace, r.metadata.name ?? '', 'strategic-merge-patch', adoptionPatch(ds, r)).catch(unlessNotFound);
  for (const r of claims.release) await client.patch(REVISIONS, ds.metadata.namespace, r.metadata.name ?? '', 'strategic-merge-patch', releasePatch(ds, r)).catch(unlessNotFound);
  const plan = planHistory(ds, claims.claimed);
  const current = plan.current ? await keepCurrent(client, ds, plan, plan.current, pods) : await snapshot(client, ds, plan.revision);
  return { hash: current.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] ?? '', old: plan.old };
}

/** dedupCurHistories and the renumbering: duplicates' pods take the kept revision's hash, duplicates go. */
async function keepCurrent(client: ApiClient, ds: DaemonSet, plan: HistoryPlan, current: ControllerRevision, pods: Informer<Pod>): Promise<ControllerRevision> {
  const hash = current.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] ?? '';
  for (const duplicate of plan.duplicates) {
    const stale = pods.byIndex(BY_NAMESPACE, ds.metadata.namespace ?? '').filter((p) => controllerOf(p)?.uid === ds.metadata.uid && p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY] !== hash);
    for (const pod of stale) await client.patch('pods', pod.metadata.namespace, pod.metadata.name ?? '', 'merge-patch', { metadata: { uid: pod.metadata.uid, labels: { [CONTROLLER_REVISION_HASH_LABEL_KEY]: hash } } }).catch(unlessNotFound);
    await client.delete(REVISIONS, ds.metadata.namespace, duplicate.metadata.name ?? '').catch(unlessNotFound);
  }
  if (current.revision >= plan.revision) return current;
  return (await client.update<ControllerRevision>(REVISIONS, ds.metadata.namespace, current.metadata.name ?? '', { ...current, revision: plan.revision })).object;
}

/** snapshot: creates the revision; a name taken by another template bumps status.collisionCount and retries later. */
async function snapshot(client: ApiClient, ds: DaemonSet, revision: number): Promise<ControllerRevision> {
  const candidate = daemonSetRevision(ds, revision);
  try {
    return await client.create<ControllerRevision>(REVISIONS, ds.metadata.namespace, candidate);
  } catch (err: unknown) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
    const existing = await client.get<ControllerRevision>(REVISIONS, ds.metadata.namespace, candidate.metadata.name ?? '');
    if (matchesRevision(ds, existing)) return existing;
    const fresh = await client.get<DaemonSet>(DS, ds.metadata.namespace, ds.metadata.name ?? '');
    const status = { ...(fresh.status ?? { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }) };
    status.collisionCount = (status.collisionCount ?? 0) + 1;
    await client.updateStatus(DS, ds.metadata.namespace, ds.metadata.name ?? '', { ...fresh, status });
    throw new Error(`found a hash collision for DaemonSet ${ds.metadata.name ?? ''}: bumping collisionCount to ${status.collisionCount}`);
  }
}

/** RecheckDeletionTimestamp: a fresh read shows the DaemonSet still there, not being deleted. */
export async function checkCanAdopt(client: ApiClient, ds: DaemonSet): Promise<void> {
  const fresh = await client.get<DaemonSet>(DS, ds.metadata.namespace, ds.metadata.name ?? '');
  const name = `${ds.metadata.namespace ?? ''}/${ds.metadata.name ?? ''}`;
  if (fresh.metadata.uid !== ds.metadata.uid) throw new Error(`original DaemonSet ${name} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${ds.metadata.uid ?? ''}`);
  if (fresh.metadata.deletionTimestamp) throw new Error(`${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}
