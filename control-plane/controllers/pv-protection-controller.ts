/**
 * `pv-protection-controller` wiring (decision in volume-protection-plan.ts): a deleted volume's
 * `kubernetes.io/pv-protection` finalizer goes once it is no longer Bound; the write is a
 * compare-and-swap on the cached volume.
 */
import type { PersistentVolume } from '../../api/storage-v1';
import { unlessNotFound } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { volumeFinalizersAfter } from './volume-protection-plan';

export const pvProtectionController = defineController({
  name: 'pv-protection-controller',
  setup(ctx) {
    const volumes = ctx.informers.forResource<PersistentVolume>('persistentvolumes');
    return {
      watches: [changesOf(volumes, (volume) => (volume.metadata.deletionTimestamp ? [volume.metadata.name ?? ''] : []))],
      async reconcile(name) {
        const volume = volumes.get(name);
        const finalizers = volume ? volumeFinalizersAfter(volume) : undefined;
        if (!volume || !finalizers) return {};
        await ctx.client.update('persistentvolumes', undefined, name, { ...volume, metadata: { ...volume.metadata, finalizers } }).catch(unlessNotFound);
        return {};
      },
    };
  },
});
