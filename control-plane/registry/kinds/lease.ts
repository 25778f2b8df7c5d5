/**
 * Lease (coordination.k8s.io/v1), served for the node leases in `kube-node-lease` only:
 * derived from the node sessions when read (control-plane/nodes/node-leases.ts), never stored,
 * so a node's heartbeat never becomes an etcd write. Get and list only: Leases of other
 * namespaces (client leader election) are not served, and a write is a 405.
 */
import type { Lease } from '../../../api/coordination-v1';
import { leasePrinter } from '../../apiserver/tables/config-printers';
import { defaultStrategy, OBJECT_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';

export const LEASES = defineKind<Lease>({
  group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singularName: 'lease', kind: 'Lease', listKind: 'LeaseList', namespaced: true,
  verbs: ['get', 'list'],
  live: true,
  printer: leasePrinter,
  strategy: defaultStrategy<Lease>({ topLevelFields: [...OBJECT_FIELDS, 'spec'], hasStatus: false }),
});
