// Original file: proto/node.proto

import type { PodRef as _pikube_node_v1_PodRef, PodRef__Output as _pikube_node_v1_PodRef__Output } from '../../../pikube/node/v1/PodRef';
import type { Long } from '@grpc/proto-loader';

export interface LogRequest {
  'pod'?: (_pikube_node_v1_PodRef | null);
  'container'?: (string);
  'follow'?: (boolean);
  'previous'?: (boolean);
  'timestamps'?: (boolean);
  'tail_lines'?: (number | string | Long);
  'since_seconds'?: (number | string | Long);
  'since_unix_ms'?: (number | string | Long);
  'limit_bytes'?: (number | string | Long);
}

export interface LogRequest__Output {
  'pod': (_pikube_node_v1_PodRef__Output | null);
  'container': (string);
  'follow': (boolean);
  'previous': (boolean);
  'timestamps': (boolean);
  'tail_lines': (number);
  'since_seconds': (number);
  'since_unix_ms': (number);
  'limit_bytes': (number);
}
