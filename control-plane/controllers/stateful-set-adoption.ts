/**
 * Adoption and release of a StatefulSet's children (its pods and its ControllerRevisions), as
 * ControllerRefManager does it: before the first adoption a fresh read must show the set still
 * there with the same uid and not being deleted (RecheckDeletionTimestamp); each adoption or
 * release is a strategic merge patch carrying the child's uid as a precondition.
 */
import type { StatefulSet } from '../../api/apps-v1';
import type { KubeObject } from '../../api/meta';
import { unlessNotFound, type ApiClient } from './framework/api-client';
import { adoptionPatch, releasePatch, type Claims } from './framework/controller-ref-manager';

export interface ChildClaims {
  /** As the client names it: `pods`, `controllerrevisions.apps`. */
  resource: string;
  claims: Claims<KubeObject>;
}

export async function adoptAndRelease(client: ApiClient, set: StatefulSet, children: readonly ChildClaims[]): Promise<void> {
  const namespace = set.metadata.namespace;
  if (children.some((c) => c.claims.adopt.length > 0)) await checkCanAdopt(client, set);
  for (const { resource, claims } of children) {
    for (const child of claims.adopt) await client.patch(resource, namespace, child.metadata.name ?? '', 'strategic-merge-patch', adoptionPatch(set, child)).catch(unlessNotFound);
    for (const child of claims.release) await client.patch(resource, namespace, child.metadata.name ?? '', 'strategic-merge-patch', releasePatch(set, child)).catch(unlessNotFound);
  }
}

async function checkCanAdopt(client: ApiClient, set: StatefulSet): Promise<void> {
  const fresh = await client.get<StatefulSet>('statefulsets.apps', set.metadata.namespace, set.metadata.name ?? '');
  const name = `${set.metadata.namespace ?? ''}/${set.metadata.name ?? ''}`;
  if (fresh.metadata.uid !== set.metadata.uid) throw new Error(`original StatefulSet ${name} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${set.metadata.uid ?? ''}`);
  if (fresh.metadata.deletionTimestamp) throw new Error(`${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}
