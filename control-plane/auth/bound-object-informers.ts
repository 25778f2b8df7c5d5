/**
 * The service-account authenticator's view of the cluster (BoundObjectLookup) read from the
 * control plane's shared informers: no etcd read per request.
 */
import type { Secret } from '../../api/config-v1';
import type { Node, Pod } from '../../api/core-v1';
import type { KubeObject } from '../../api/meta';
import type { ServiceAccount } from '../../api/service-account';
import type { BoundObjectLookup, ObjectLife } from './service-account-authenticator';

interface Cache<T extends KubeObject> {
  get(key: string): T | undefined;
}

function lifeOf(obj: KubeObject | undefined): ObjectLife | undefined {
  return obj && { uid: obj.metadata.uid, deletionTimestamp: obj.metadata.deletionTimestamp };
}

export function boundObjectsFromInformers(caches: { serviceAccounts: Cache<ServiceAccount>; pods: Cache<Pod>; secrets: Cache<Secret>; nodes: Cache<Node> }): BoundObjectLookup {
  return {
    serviceAccount: (ns, name) => lifeOf(caches.serviceAccounts.get(`${ns}/${name}`)),
    pod: (ns, name) => lifeOf(caches.pods.get(`${ns}/${name}`)),
    secret: (ns, name) => lifeOf(caches.secrets.get(`${ns}/${name}`)),
    node: (name) => lifeOf(caches.nodes.get(name)),
  };
}
