/**
 * Nodes (pkg/registry/core/node): cluster-scoped; a node's agent may create it with its status
 * (capacity, addresses, conditions), after which status changes only through `…/status`.
 * `kubectl cordon` patches spec.unschedulable through the main resource. A node writing Nodes
 * through the API meets NodeRestriction (node-restriction.ts).
 */
import type { Node } from '../../../api/core-v1';
import { defaultNode } from '../../../api/defaults/node-defaults';
import { selectableFields } from '../../../api/field-selector';
import { validateNode, validateNodeUpdate } from '../../../api/validation/node-validation';
import { nodePrinter } from '../../apiserver/tables/node-printer';
import { admitNodeWrite } from '../../auth/node-restriction';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import type { ResourceStrategy } from '../strategy';
import { STATUS } from '../subresource';

const base = defaultStrategy<Node>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(node: Node): Node {
  return replaceContents(node, defaultNode(node));
}

export const nodeStrategy: ResourceStrategy<Node> = {
  ...base,
  tracksGeneration: false,
  prepareForCreate: (node) => void withDefaults(node),
  validate: (node) => validateNode(node),
  prepareForUpdate: (node, old) => base.prepareForUpdate(withDefaults(node), old),
  validateUpdate: (node, old) => validateNodeUpdate(node, old),
  prepareForStatusUpdate: (node, old) => withDefaults(base.prepareForStatusUpdate(node, old)),
};

export const NODES = defineKind<Node>({
  group: '', version: 'v1', resource: 'nodes', singularName: 'node', kind: 'Node', listKind: 'NodeList', namespaced: false,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['no'],
  strategy: nodeStrategy,
  printer: nodePrinter,
  fields: selectableFields<Node>({ 'metadata.name': (n) => n.metadata.name ?? '', 'spec.unschedulable': (n) => String(n.spec?.unschedulable === true) }),
  subresources: { status: STATUS },
  requesterCheck: admitNodeWrite,
});
