/**
 * Nodes (pkg/registry/core/node): cluster-scoped; a node's agent may create it with its status
 * (capacity, addresses, conditions), after which status changes only through `…/status`.
 * `kubectl cordon` patches spec.unschedulable through the main resource.
 */
import type { Node } from '../../../api/core-v1';
import { defaultNode } from '../../../api/defaults/node-defaults';
import type { KubeObject } from '../../../api/meta';
import { defaultStrategy, replaceContents, SPEC_STATUS_FIELDS } from '../default-strategy';
import type { ResourceStrategy } from '../strategy';

const base = defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

function withDefaults(obj: KubeObject): KubeObject {
  return replaceContents(obj, defaultNode(obj as Node));
}

export const nodeStrategy: ResourceStrategy = {
  ...base,
  tracksGeneration: false,
  prepareForCreate: (obj) => void withDefaults(obj),
  prepareForUpdate: (obj, old) => base.prepareForUpdate(withDefaults(obj), old),
  prepareForStatusUpdate: (obj, old) => withDefaults(base.prepareForStatusUpdate(obj, old)),
};
