/**
 * `kubectl get nodes` columns, as printNode of k8s.io/kubernetes pkg/printers/internalversion:
 * STATUS from the Ready condition (Ready, NotReady, Unknown) plus SchedulingDisabled when
 * cordoned; ROLES from node-role.kubernetes.io/<role> and kubernetes.io/role labels.
 */
import type { Node, NodeAddress } from '../../../api/core-v1';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './columns';
import type { Printer, TableCell } from './table';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export const nodePrinter: Printer = {
  columns: [
    nameColumn(),
    column('Status', 'string', DESCRIPTIONS.nodeStatus),
    column('Roles', 'string', DESCRIPTIONS.nodeRoles),
    ageColumn(),
    column('Version', 'string', DESCRIPTIONS.kubeletVersion),
    column('Internal-IP', 'string', DESCRIPTIONS.nodeAddresses, 1),
    column('External-IP', 'string', DESCRIPTIONS.nodeAddresses, 1),
    column('OS-Image', 'string', DESCRIPTIONS.osImage, 1),
    column('Kernel-Version', 'string', DESCRIPTIONS.kernelVersion, 1),
    column('Container-Runtime', 'string', DESCRIPTIONS.containerRuntimeVersion, 1),
  ],
  cells: (obj, now) => nodeCells(obj as Node, now),
};

function nodeCells(node: Node, now: Date): TableCell[] {
  const info = node.status?.nodeInfo;
  return [
    nameOf(node), nodeStatus(node), nodeRoles(node).join(',') || '<none>', ageOf(node, now), info?.kubeletVersion ?? '',
    address(node, 'InternalIP'), address(node, 'ExternalIP'),
    info?.osImage || '<unknown>', info?.kernelVersion || '<unknown>', info?.containerRuntimeVersion || '<unknown>',
  ];
}

export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Sorted, distinct roles. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length) roles.add(key.slice(ROLE_PREFIX.length));
    else if (key === ROLE_LABEL && value !== '') roles.add(value);
  }
  return [...roles].sort();
}

function address(node: Node, type: NodeAddress['type']): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}
