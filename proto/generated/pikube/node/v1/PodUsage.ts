// Original file: proto/node.proto

import type { PodRef as _pikube_node_v1_PodRef, PodRef__Output as _pikube_node_v1_PodRef__Output } from '../../../pikube/node/v1/PodRef';
import type { ContainerUsage as _pikube_node_v1_ContainerUsage, ContainerUsage__Output as _pikube_node_v1_ContainerUsage__Output } from '../../../pikube/node/v1/ContainerUsage';

export interface PodUsage {
  'pod'?: (_pikube_node_v1_PodRef | null);
  'containers'?: (_pikube_node_v1_ContainerUsage)[];
}

export interface PodUsage__Output {
  'pod': (_pikube_node_v1_PodRef__Output | null);
  'containers': (_pikube_node_v1_ContainerUsage__Output)[];
}
