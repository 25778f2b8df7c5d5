/**
 * `crd-cleanup-controller` wiring (the apiextensions-apiserver's CRD finalizer): a deleted
 * CustomResourceDefinition keeps its `customresourcecleanup.apiextensions.k8s.io` finalizer
 * until every object of its kind is gone (deleted collection by collection, in the background
 * for their dependents); then the finalizer is removed and the CRD goes with it. Its kinds are
 * served meanwhile (custom-kinds.ts), so the objects' own finalizers can still be removed.
 */
import { CRD_CLEANUP_FINALIZER, type CustomResourceDefinition } from '../../api/apiextensions-v1';
import { resourceName, unlessNotFound, type ApiClient } from './framework/api-client';
import { changesOf, defineController, type Controller } from './framework/define-controller';

const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';

function needsCleanup(crd: CustomResourceDefinition | undefined): crd is CustomResourceDefinition {
  return Boolean(crd?.metadata.deletionTimestamp && (crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER));
}

/** Deletes the CRD's objects; returns how many still exist (with finalizers of their own, or not yet served here). */
async function deleteObjects(client: ApiClient, crd: CustomResourceDefinition): Promise<number> {
  const { group, names } = crd.spec;
  const served = client.resources.find((r) => r.group === group && r.resource === names.plural);
  if (!served) return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True') ? 1 : 0;
  const resource = resourceName(served);
  if ((await client.list(resource)).items.length === 0) return 0;
  await client.deleteCollection(resource, { propagationPolicy: 'Background' });
  return (await client.list(resource)).items.length;
}

/** `recheckMs`: how soon a CRD whose objects remain is looked at again. */
export function crdCleanupControllerWith({ recheckMs = 1000 }: { recheckMs?: number } = {}): Controller {
  return defineController({
    name: 'crd-cleanup-controller',
    queue: { baseDelayMs: 500, maxDelayMs: 10_000 },
    setup(ctx) {
      const crds = ctx.informers.forResource<CustomResourceDefinition>(CRDS);
      return {
        watches: [changesOf(crds, (crd, _old, type) => (type !== 'DELETED' && needsCleanup(crd) ? [crd.metadata.name ?? ''] : []))],
        async reconcile(name) {
          const crd = crds.get(name);
          if (!needsCleanup(crd)) return {};
          if ((await deleteObjects(ctx.client, crd)) > 0) return { requeueAfterMs: recheckMs };
          const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
          await ctx.client.update(CRDS, undefined, name, { ...crd, metadata: { ...crd.metadata, finalizers } }).catch(unlessNotFound);
          return {};
        },
      };
    },
  });
}

export const crdCleanupController = crdCleanupControllerWith();
