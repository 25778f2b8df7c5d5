/**
 * The disruption controller's wiring (decisions in disruption-plan.ts): a budget's key on its
 * own changes and on changes of any pod it covers (before or after the change). A pass reads
 * the budget, its namespace's pods and the owners' scale from the shared informers, records
 * the plan's events, and writes status only when it differs, with the resourceVersion read (a
 * Conflict requeues). A pending granted eviction brings the budget back when it expires.
 * Deviations: a pod covered by several budgets enqueues each of them, and no
 * MultiplePodDisruptionBudgets event is recorded. Stale DisruptionTarget conditions are the
 * stale-pod-disruption controller's.
 */
import type { Deployment, ReplicaSet, StatefulSet } from '../../api/apps-v1';
import type { Pod } from '../../api/core-v1';
import { budgetCovers } from '../../api/disruption-budget';
import type { KubeObject, OwnerReference } from '../../api/meta';
import type { PodDisruptionBudget } from '../../api/policy-v1';
import { cacheKey, type Informer } from '../store/informer';
import { changesOf, defineController } from './framework/define-controller';
import { BY_NAMESPACE } from './framework/informer-factory';
import { controllerOf } from './framework/owner-references';
import { planDisruption, type OwnerScale, type ScaleFinder } from './disruption-plan';

const PDBS = 'poddisruptionbudgets.policy';

export const disruptionController = defineController({
  name: 'disruption-controller',
  queue: { baseDelayMs: 100, maxDelayMs: 30_000 },
  setup(ctx) {
    const budgets = ctx.informers.forResource<PodDisruptionBudget>(PDBS);
    const pods = ctx.informers.forResource<Pod>('pods');
    const findScale = scaleFinder({
      ReplicaSet: ctx.informers.forResource<ReplicaSet>('replicasets.apps'),
      Deployment: ctx.informers.forResource<Deployment>('deployments.apps'),
      StatefulSet: ctx.informers.forResource<StatefulSet>('statefulsets.apps'),
    });
    const events = ctx.events('controllermanager');
    const budgetsOf = (pod: Pod | undefined): string[] =>
      pod ? budgets.byIndex(BY_NAMESPACE, pod.metadata.namespace ?? '').filter((pdb) => budgetCovers(pdb, pod)).map(cacheKey) : [];
    return {
      watches: [changesOf(budgets, (pdb) => [cacheKey(pdb)]), changesOf(pods, (pod, old) => [...budgetsOf(pod), ...budgetsOf(old)])],
      async reconcile(key) {
        const pdb = budgets.get(key);
        if (!pdb) return {};
        const namespace = pdb.metadata.namespace ?? '';
        const plan = planDisruption({ pdb, pods: pods.byIndex(BY_NAMESPACE, namespace), findScale, now: new Date(ctx.clock.now()) });
        for (const e of plan.events) await events.record(e.involved, e.type, e.reason, e.message);
        if (plan.status) await ctx.client.updateStatus(PDBS, namespace, pdb.metadata.name ?? '', { ...pdb, status: plan.status });
        return { requeueAfterMs: plan.requeueAfterMs };
      },
    };
  },
});

interface Owners {
  ReplicaSet: Informer<ReplicaSet>;
  Deployment: Informer<Deployment>;
  StatefulSet: Informer<StatefulSet>;
}

/**
 * The finders over the cached owners: a ReplicaSet's scale, or its Deployment's when a
 * Deployment controls it (getPodDeployment); a StatefulSet's; a Deployment's. The cached
 * owner must carry the reference's uid. Other kinds are not found.
 */
function scaleFinder(owners: Owners): ScaleFinder {
  const lookup = (kind: string, ref: Pick<OwnerReference, 'name' | 'uid' | 'apiVersion'>, namespace: string): KubeObject & { spec?: { replicas?: number } } | undefined => {
    if (!isAppsKind(kind, ref.apiVersion) || !Object.hasOwn(owners, kind)) return undefined;
    const owner = owners[kind as keyof Owners].get(`${namespace}/${ref.name}`);
    return owner?.metadata.uid === ref.uid ? owner : undefined;
  };
  const scaleOf = (owner: KubeObject & { spec?: { replicas?: number } }): OwnerScale => ({ uid: owner.metadata.uid ?? '', replicas: owner.spec?.replicas ?? 1 });
  return (ref, namespace) => {
    const owner = lookup(ref.kind, ref, namespace);
    if (!owner) return undefined;
    const parent = ref.kind === 'ReplicaSet' ? controllerOf(owner) : undefined;
    const deployment = parent?.kind === 'Deployment' ? lookup('Deployment', parent, namespace) : undefined;
    return scaleOf(deployment ?? owner);
  };
}

/** verifyGroupKind: the finders accept the apps group (and the old extensions one). */
function isAppsKind(kind: string, apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return ['ReplicaSet', 'Deployment', 'StatefulSet'].includes(kind) && (group === 'apps' || group === 'extensions');
}
