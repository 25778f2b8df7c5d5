/**
 * The `local-path` StorageClass every pikube cluster has, created at start when missing, as k3s
 * ships its local-path addon: default class, WaitForFirstConsumer (the scheduler picks the
 * node, then the volume is made there), reclaim Delete. A class the user changed or deleted and
 * made again is left as it is; one deleted comes back at the next start, as k3s' addon does.
 *
 * The provisioner is `pikube.dev/local-path`, not k3s' `rancher.io/local-path`: the volumes are
 * pikube's own (a directory the agent makes under its data dir, no helper pod, no ConfigMap),
 * and an external provisioner acts on claims naming its own name, so Rancher's provisioner
 * installed beside pikube must never take these claims for its own. Manifests from k3s name
 * the class (`storageClassName: local-path`), not the provisioner, and keep working.
 */
import { isApiError } from '../../api/errors';
import { LOCAL_PATH_PROVISIONER } from '../../api/local-path';
import { DEFAULT_CLASS_ANNOTATION, type StorageClass } from '../../api/storage-v1';
import type { Registry } from '../registry/registry';

export const LOCAL_PATH_CLASS = 'local-path';
export { LOCAL_PATH_PROVISIONER };

export function localPathStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/** Safe on every replica at once: AlreadyExists is the goal met. */
export async function ensureDefaultStorageClass(registry: Registry): Promise<void> {
  try {
    await registry.create('storageclasses.storage.k8s.io', undefined, localPathStorageClass());
  } catch (err: unknown) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
  }
}
