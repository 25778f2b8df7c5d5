// Original file: proto/node.proto

import type { ResourceUsage as _pikube_node_v1_ResourceUsage, ResourceUsage__Output as _pikube_node_v1_ResourceUsage__Output } from '../../../pikube/node/v1/ResourceUsage';
import type { PodUsage as _pikube_node_v1_PodUsage, PodUsage__Output as _pikube_node_v1_PodUsage__Output } from '../../../pikube/node/v1/PodUsage';
import type { Long } from '@grpc/proto-loader';

export interface UsageReport {
  'timestamp_unix_ms'?: (number | string | Long);
  'node'?: (_pikube_node_v1_ResourceUsage | null);
  'pods'?: (_pikube_node_v1_PodUsage)[];
}

export interface UsageReport__Output {
  'timestamp_unix_ms': (number);
  'node': (_pikube_node_v1_ResourceUsage__Output | null);
  'pods': (_pikube_node_v1_PodUsage__Output)[];
}
