// Original file: proto/node.proto

import type { UsageReport as _pikube_node_v1_UsageReport, UsageReport__Output as _pikube_node_v1_UsageReport__Output } from '../../../pikube/node/v1/UsageReport';
import type { Long } from '@grpc/proto-loader';

export interface NodeFigures {
  'node_name'?: (string);
  'last_seen_unix_ms'?: (number | string | Long);
  'usage'?: (_pikube_node_v1_UsageReport | null);
}

export interface NodeFigures__Output {
  'node_name': (string);
  'last_seen_unix_ms': (number);
  'usage': (_pikube_node_v1_UsageReport__Output | null);
}
