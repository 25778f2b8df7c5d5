/**
 * The local-path provisioner's wiring (decision in local-path-provisioner-plan.ts), run by the
 * leader like Kubernetes' external provisioners with leader election: a claim's key on each of
 * its changes. Creating a volume that exists already (a pass repeated after a restart) is the
 * goal met. Events on the claim as the external provisioner records them: Provisioning, then
 * ProvisioningSucceeded or ProvisioningFailed (once per message).
 */
import type { Node, PersistentVolumeClaim } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import type { PersistentVolume, StorageClass } from '../../api/storage-v1';
import { cacheKey } from '../store/informer';
import { LOCAL_PATH_PROVISIONER } from '../storage/default-storage-class';
import { changesOf, defineController } from './framework/define-controller';
import { isOurs, planProvisioning } from './local-path-provisioner-plan';

type StoredClaim = PersistentVolumeClaim & KubeObject;

export const localPathProvisionerController = defineController({
  name: 'local-path-provisioner',
  setup(ctx) {
    const claims = ctx.informers.forResource<StoredClaim>('persistentvolumeclaims');
    const volumes = ctx.informers.forResource<PersistentVolume>('persistentvolumes');
    const classes = ctx.informers.forResource<StorageClass>('storageclasses.storage.k8s.io');
    const nodes = ctx.informers.forResource<Node>('nodes');
    const events = ctx.events(LOCAL_PATH_PROVISIONER);
    const failures = new Map<string, string>();
    return {
      watches: [changesOf(claims, (claim) => (isOurs(claim) ? [cacheKey(claim)] : []))],
      async reconcile(key) {
        const claim = claims.get(key);
        if (!claim) return failures.delete(key), {};
        const plan = planProvisioning(claim, { classOf: (n) => classes.get(n), nodeOf: (n) => nodes.get(n), volumeExists: (n) => volumes.get(n) !== undefined });
        if (plan.op === 'none') return {};
        if (plan.op === 'fail') {
          if (failures.get(key) !== plan.message) await events.record(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${claim.spec?.storageClassName ?? ''}": ${plan.message}`);
          failures.set(key, plan.message);
          return { requeueAfterMs: 30_000 };
        }
        failures.delete(key);
        await events.record(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
        const created = await ctx.client.create('persistentvolumes', undefined, plan.volume).then(() => true, (err: unknown) => {
          if (isApiError(err, 'AlreadyExists')) return false;
          throw err;
        });
        if (created) await events.record(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${plan.volume.metadata.name ?? ''}`);
        return {};
      },
    };
  },
});
