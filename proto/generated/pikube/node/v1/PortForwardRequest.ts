// Original file: proto/node.proto

import type { PodRef as _pikube_node_v1_PodRef, PodRef__Output as _pikube_node_v1_PodRef__Output } from '../../../pikube/node/v1/PodRef';

export interface PortForwardRequest {
  'pod'?: (_pikube_node_v1_PodRef | null);
  'port'?: (number);
}

export interface PortForwardRequest__Output {
  'pod': (_pikube_node_v1_PodRef__Output | null);
  'port': (number);
}
