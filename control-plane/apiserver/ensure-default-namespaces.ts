/**
 * The namespaces every Kubernetes cluster has, created at start when missing (kube-apiserver's
 * system namespaces controller). Safe to run on every replica at once: AlreadyExists is fine.
 */
import { isApiError } from '../../api/errors';
import type { Namespace } from '../../api/core-v1';
import type { Registry } from '../registry/registry';

export const DEFAULT_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensureNamespace(registry: Registry, name: string): Promise<void> {
  const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
  try {
    await registry.create('namespaces', undefined, ns);
  } catch (err: unknown) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
  }
}

export async function ensureDefaultNamespaces(registry: Registry): Promise<void> {
  for (const name of DEFAULT_NAMESPACES) await ensureNamespace(registry, name);
}
