/**
 * The namespace controller's wiring (decisions in namespace-plan.ts): a Terminating
 * namespace's name is its key; its contents are deleted collection by collection through the
 * API (every namespaced resource that allows it), and the namespace is finalized once empty.
 */
import type { Namespace } from '../../api/core-v1';
import { unlessNotFound, resourceName, type ApiClient } from './framework/api-client';
import { changesOf, defineController, type Controller } from './framework/define-controller';
import { needsEmptying, planFinalize } from './namespace-plan';

/** Deletes every namespaced object in the namespace; returns how many still exist. */
async function deleteContents(client: ApiClient, namespace: string): Promise<number> {
  let remaining = 0;
  for (const resource of client.resources.filter((r) => r.namespaced && r.verbs.includes('deletecollection')).map(resourceName)) {
    if ((await client.list(resource, { namespace })).items.length === 0) continue;
    await client.deleteCollection(resource, { namespace, propagationPolicy: 'Background' });
    remaining += (await client.list(resource, { namespace })).items.length;
  }
  return remaining;
}

/** `recheckMs`: how soon a namespace still holding objects is looked at again. */
export function namespaceControllerWith({ recheckMs = 1000 }: { recheckMs?: number } = {}): Controller {
  return defineController({
    name: 'namespace-controller',
    queue: { baseDelayMs: 1000, maxDelayMs: 10_000 },
    setup(ctx) {
      const namespaces = ctx.informers.forResource<Namespace>('namespaces');
      return {
        watches: [changesOf(namespaces, (ns, _old, type) => (type !== 'DELETED' && needsEmptying(ns) ? [ns.metadata.name ?? ''] : []))],
        async reconcile(name) {
          const ns = namespaces.get(name);
          if (!needsEmptying(ns)) return {};
          const step = planFinalize(ns, await deleteContents(ctx.client, name), recheckMs);
          if (step.op === 'wait') return { requeueAfterMs: step.requeueAfterMs };
          if (step.op === 'finalize') await ctx.client.finalizeNamespace(name, step.namespace).catch(unlessNotFound);
          return {};
        },
      };
    },
  });
}

export const namespaceController = namespaceControllerWith();
