/**
 * Node defaults (SetDefaults_NodeStatus and SetDefaults_ResourceList): allocatable copies
 * capacity when absent, and quantities are written as Kubernetes serializes them.
 */
import type { Node } from '../core-v1';
import { normalizeResourceList } from './resource-list-defaults';

/** Returns a defaulted copy. */
export function defaultNode(node: Node): Node {
  const out = structuredClone(node);
  out.spec = out.spec ?? {};
  const status = out.status;
  if (!status) return out;
  if (status.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
  if (status.capacity) status.capacity = normalizeResourceList(status.capacity);
  if (status.allocatable) status.allocatable = normalizeResourceList(status.allocatable);
  return out;
}
