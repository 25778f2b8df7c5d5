/**
 * An ApiClient whose writes are recorded in managedFields under one manager, as each component
 * of Kubernetes writes under its User-Agent's product: `kube-controller-manager` for every
 * controller, `kube-scheduler` for the scheduler. Reads and deletes pass through.
 */
import type { ApiClient } from './api-client';

/** What Kubernetes' controllers write as. */
export const KUBE_CONTROLLER_MANAGER = 'kube-controller-manager';

export function withFieldManager(client: ApiClient, fieldManager: string): ApiClient {
  const options = { fieldManager };
  return {
    get resources() {
      return client.resources;
    },
    onResourcesChanged: (listener) => client.onResourcesChanged(listener),
    get: (resource, namespace, name) => client.get(resource, namespace, name),
    list: (resource, listOptions) => client.list(resource, listOptions),
    create: (resource, namespace, body) => client.create(resource, namespace, body, options),
    update: (resource, namespace, name, body) => client.update(resource, namespace, name, body, options),
    updateStatus: (resource, namespace, name, body) => client.updateStatus(resource, namespace, name, body, options),
    patch: (resource, namespace, name, type, patch) => client.patch(resource, namespace, name, type, patch, options),
    delete: (resource, namespace, name, deleteOptions) => client.delete(resource, namespace, name, deleteOptions),
    deleteCollection: (resource, deleteOptions) => client.deleteCollection(resource, deleteOptions),
    bind: (namespace, binding) => client.bind(namespace, binding, options),
    finalizeNamespace: (name, body) => client.finalizeNamespace(name, body, options),
    writeSubresource: (resource, subresource, namespace, name, body) => client.writeSubresource(resource, subresource, namespace, name, body, options),
  };
}
