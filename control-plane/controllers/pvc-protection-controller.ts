/**
 * `pvc-protection-controller` wiring (decision in volume-protection-plan.ts): a deleted claim's
 * key when it changes and when a pod of its namespace that mounted it changes or goes. Before
 * the finalizer goes, the pods are listed again from the API (the cache may not show a pod just
 * created), as Kubernetes' live list; the write is a compare-and-swap on the claim read.
 */
import type { PersistentVolumeClaim, Pod } from '../../api/core-v1';
import type { KubeObject } from '../../api/meta';
import { cacheKey } from '../store/informer';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { BY_NAMESPACE } from './framework/informer-factory';
import { claimFinalizersAfter } from './volume-protection-plan';

type StoredClaim = PersistentVolumeClaim & KubeObject;

export const pvcProtectionController = defineController({
  name: 'pvc-protection-controller',
  setup(ctx) {
    const claims = ctx.informers.forResource<StoredClaim>('persistentvolumeclaims');
    const pods = ctx.informers.forResource<Pod>('pods');
    const claimKeysOf = (pod: Pod): string[] => (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [`${pod.metadata.namespace}/${v.persistentVolumeClaim.claimName}`] : []));
    return {
      watches: [
        changesOf(claims, (claim) => (claim.metadata.deletionTimestamp ? [cacheKey(claim)] : [])),
        changesOf(pods, (pod) => claimKeysOf(pod).filter((key) => claims.get(key)?.metadata.deletionTimestamp)),
      ],
      async reconcile(key) {
        const claim = claims.get(key);
        const namespace = claim?.metadata.namespace ?? '';
        if (!claim || !claimFinalizersAfter(claim, pods.byIndex(BY_NAMESPACE, namespace))) return {};
        const live = await ctx.client.list<Pod>('pods', { namespace });
        const finalizers = claimFinalizersAfter(claim, live.items);
        if (!finalizers) return {};
        const updated: StoredClaim = { ...claim, metadata: { ...claim.metadata, finalizers } };
        await ctx.client.update('persistentvolumeclaims', namespace, claim.metadata.name ?? '', updated).catch(unlessNotFound);
        return {};
      },
    };
  },
});
