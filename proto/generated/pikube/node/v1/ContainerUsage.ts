// Original file: proto/node.proto

import type { ResourceUsage as _pikube_node_v1_ResourceUsage, ResourceUsage__Output as _pikube_node_v1_ResourceUsage__Output } from '../../../pikube/node/v1/ResourceUsage';

export interface ContainerUsage {
  'name'?: (string);
  'usage'?: (_pikube_node_v1_ResourceUsage | null);
}

export interface ContainerUsage__Output {
  'name': (string);
  'usage': (_pikube_node_v1_ResourceUsage__Output | null);
}
