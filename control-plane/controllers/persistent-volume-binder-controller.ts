/**
 * The PersistentVolume controller's wiring (`persistentvolume-binder-controller`; decisions in
 * persistent-volume-binder-plan.ts). Keys are `claim:<namespace>/<name>` and `volume:<name>`:
 * a claim's change syncs it and the volume naming it; a volume's change syncs it, its claim
 * and every unbound claim (it may be their match); a class's change syncs unbound claims.
 * Writes are compare-and-swaps on the cached objects (a stale cache meets Conflict and the key
 * is tried again), made only where the plan differs from the cache. One worker: two claims are
 * never matched to one volume in parallel. An event is recorded once per claim or volume for
 * as long as the same thing is said (Kubernetes repeats them on each resync, aggregated).
 */
import type { Node, PersistentVolumeClaim } from '../../api/core-v1';
import type { KubeObject } from '../../api/meta';
import { isDefaultClass, type PersistentVolume, type StorageClass } from '../../api/storage-v1';
import { cacheKey, type Informer } from '../store/informer';
import { LOCAL_PATH_PROVISIONER } from '../storage/default-storage-class';
import { unlessNotFound, type ApiClient } from './framework/api-client';
import { changesOf, defineController } from './framework/define-controller';
import { planClaim, planVolume, type BinderPlan, type BinderWrite } from './persistent-volume-binder-plan';

export const PV_BINDER_CONTROLLER = 'persistentvolume-binder-controller';
const CLAIMS = 'persistentvolumeclaims';
const VOLUMES = 'persistentvolumes';
const CLASSES = 'storageclasses.storage.k8s.io';

type StoredClaim = PersistentVolumeClaim & KubeObject;

const claimKey = (claim: StoredClaim): string => `claim:${cacheKey(claim)}`;
const volumeKey = (name: string): string => `volume:${name}`;

export const persistentVolumeBinderController = defineController({
  name: PV_BINDER_CONTROLLER,
  queue: { workers: 1 },
  setup(ctx) {
    const claims = ctx.informers.forResource<StoredClaim>(CLAIMS);
    const volumes = ctx.informers.forResource<PersistentVolume>(VOLUMES);
    const classes = ctx.informers.forResource<StorageClass>(CLASSES);
    const nodes = ctx.informers.forResource<Node>('nodes');
    const said = new Map<string, string>();
    const unboundClaims = (): string[] => claims.list((c) => !c.spec?.volumeName).map(claimKey);
    const inputs = {
      volumes: [] as PersistentVolume[],
      volumeOf: (name: string) => volumes.get(name),
      classOf: (name: string) => classes.get(name),
      defaultClass: undefined as StorageClass | undefined,
      nodeOf: (name: string) => nodes.get(name),
      deletingProvisioners: [LOCAL_PATH_PROVISIONER],
    };
    return {
      watches: [
        changesOf(claims, (claim, old) => [claimKey(claim), ...[claim.spec?.volumeName, old?.spec?.volumeName].filter((n): n is string => !!n).map(volumeKey),
          ...volumes.list((v) => v.spec?.claimRef?.namespace === claim.metadata.namespace && v.spec?.claimRef?.name === claim.metadata.name).map((v) => volumeKey(v.metadata.name ?? ''))]),
        changesOf(volumes, (volume) => {
          const ref = volume.spec?.claimRef;
          return [volumeKey(volume.metadata.name ?? ''), ...(ref ? [`claim:${ref.namespace}/${ref.name}`] : []), ...unboundClaims()];
        }),
        changesOf(classes, () => unboundClaims()),
      ],
      async reconcile(key) {
        let plan: BinderPlan;
        let subject: PersistentVolumeClaim | PersistentVolume | undefined;
        if (key.startsWith('claim:')) {
          subject = claims.get(key.slice('claim:'.length));
          if (!subject) return said.delete(key), {};
          const defaults = classes.list((c) => isDefaultClass(c));
          plan = planClaim(subject, { ...inputs, volumes: volumes.list(), defaultClass: defaults.length === 1 ? defaults[0] : undefined });
        } else {
          subject = volumes.get(key.slice('volume:'.length));
          if (!subject) return said.delete(key), {};
          plan = planVolume(subject as PersistentVolume, (ns, name) => claims.get(`${ns}/${name}`), inputs);
        }
        for (const write of plan.writes) await execute(ctx.client, write, claims, volumes);
        const news = plan.events.map((e) => `${e.type}/${e.reason}/${e.message}`).join('\n');
        if (news && said.get(key) !== news) {
          for (const e of plan.events) await ctx.events(PV_BINDER_CONTROLLER).record(subject, e.type, e.reason, e.message);
        }
        said.set(key, news);
        return {};
      },
    };
  },
});

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/** Writes the object where it differs from the cache, then its status where that differs. */
async function execute(client: ApiClient, write: BinderWrite, claims: Informer<StoredClaim>, volumes: Informer<PersistentVolume>): Promise<void> {
  if (write.op === 'deleteVolume') {
    const { name = '', uid } = write.volume.metadata;
    await client.delete(VOLUMES, undefined, name, { preconditions: { uid } }).catch(unlessNotFound);
    return;
  }
  if (write.op === 'volume') {
    const current = volumes.get(write.volume.metadata.name ?? '');
    if (current) await writeObject(client, VOLUMES, current, write.volume, write.status);
    return;
  }
  const current = claims.get(cacheKey(write.claim as StoredClaim));
  if (current) await writeObject(client, CLAIMS, current, write.claim as StoredClaim, write.status);
}

async function writeObject<T extends KubeObject>(client: ApiClient, resource: string, cached: T, desired: T, status: unknown): Promise<void> {
  const { namespace, name = '' } = cached.metadata;
  let current = cached;
  if (!sameJson(current.metadata, desired.metadata) || !sameJson(current.spec, desired.spec)) {
    current = (await client.update<T>(resource, namespace, name, { ...current, metadata: desired.metadata, spec: desired.spec })).object;
  }
  if (status && !sameJson(current.status, JSON.parse(JSON.stringify(status)))) {
    await client.updateStatus<T>(resource, namespace, name, { ...current, status });
  }
}
