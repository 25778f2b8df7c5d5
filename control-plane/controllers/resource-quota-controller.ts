/**
 * `resourcequota-controller` wiring (decision in resource-quota-plan.ts): the key is a quota's
 * `namespace/name`, enqueued when it appears, when its status has yet to follow its spec, and
 * for every quota of a namespace when usage there is given back (replenishment): an object
 * deleted, a pod reaching Succeeded or Failed, a Service changing type, a claim its request.
 * Creates are not cues: the quota admission has charged them already. Every quota is also
 * counted again every RESYNC_MS (`--resource-quota-sync-period`), which gives back charges of
 * creates that were refused after the admission. Objects are counted from the shared
 * informers (metadata-only for kinds only counted); status is written with the resourceVersion
 * read, and a Conflict (an admission charged meanwhile) requeues.
 */
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { KubeObject } from '../../api/meta';
import type { ResourceQuota } from '../../api/policy-quota-v1';
import { podHoldsCompute, type QuotaSubject } from '../../api/quota-usage';
import type { Service } from '../../api/service-v1';
import { cacheKey, type ChangeType, type Informer } from '../store/informer';
import { resourceName } from './framework/api-client';
import { changesOf, defineController, type KeysOf } from './framework/define-controller';
import { BY_NAMESPACE, type SharedInformers } from './framework/informer-factory';
import { planQuotaStatus, statusBehindSpec, subjectsOf } from './resource-quota-plan';

type Claim = PersistentVolumeClaim & KubeObject;

/** Kubernetes' default --resource-quota-sync-period. */
export const RESYNC_MS = 5 * 60_000;
/** Kinds counted by `count/…` whose deletions give usage back at once (others wait for the resync). */
const WATCHED_COUNTS = ['configmaps', 'secrets', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps', 'jobs.batch', 'cronjobs.batch'];

export const resourceQuotaController = defineController({
  name: 'resourcequota-controller',
  setup(ctx) {
    const quotas = ctx.informers.forResource<ResourceQuota>('resourcequotas');
    const pods = ctx.informers.forResource<Pod>('pods');
    const services = ctx.informers.forResource<Service>('services');
    const claims = ctx.informers.forResource<Claim>('persistentvolumeclaims');
    const counted = WATCHED_COUNTS.map((r) => ctx.informers.forMetadata(r));
    const quotasIn = (obj: KubeObject): string[] => quotas.byIndex(BY_NAMESPACE, obj.metadata.namespace ?? '').map(cacheKey);
    const replenish = <T extends KubeObject>(released: (obj: T, old: T) => boolean): KeysOf<T> =>
      (obj, old, type: ChangeType) => (type === 'DELETED' || (old !== undefined && released(obj, old)) ? quotasIn(obj) : []);
    return {
      watches: [
        changesOf(quotas, (quota, _old, type) => (type !== 'DELETED' && (type === 'ADDED' || statusBehindSpec(quota)) ? [cacheKey(quota)] : [])),
        changesOf(pods, replenish<Pod>((pod, old) => podHoldsCompute(old) && !podHoldsCompute(pod))),
        changesOf(services, replenish<Service>((svc, old) => svc.spec?.type !== old.spec?.type)),
        changesOf(claims, replenish<Claim>((pvc, old) => pvc.spec?.resources?.requests?.storage !== old.spec?.resources?.requests?.storage)),
        ...counted.map((informer) => changesOf(informer, replenish(() => false))),
      ],
      async reconcile(key, signal) {
        const quota = quotas.get(key);
        if (!quota) return {};
        const namespace = quota.metadata.namespace ?? '';
        const listed = new Map<string, readonly unknown[]>();
        for (const subject of subjectsOf(quota)) listed.set(keyOf(subject), await objectsIn(ctx.informers, subject, namespace, signal));
        const status = planQuotaStatus(quota, (subject) => listed.get(keyOf(subject)) ?? []);
        if (status) await ctx.client.updateStatus('resourcequotas', namespace, quota.metadata.name ?? '', { ...structuredClone(quota), status });
        return { requeueAfterMs: RESYNC_MS };
      },
    };
  },
});

const keyOf = (subject: QuotaSubject): string => resourceName(subject);

/** A kind's objects in a namespace from its shared informer (synced first); none for a kind not served. */
async function objectsIn(informers: SharedInformers, subject: QuotaSubject, namespace: string, signal: AbortSignal): Promise<readonly unknown[]> {
  let informer: Informer<KubeObject>;
  try {
    informer = informers.forMetadata(resourceName(subject));
  } catch {
    return [];
  }
  await informer.whenSynced(signal);
  return informer.byIndex(BY_NAMESPACE, namespace);
}
