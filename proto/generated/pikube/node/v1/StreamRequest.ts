// Original file: proto/node.proto

import type { LogRequest as _pikube_node_v1_LogRequest, LogRequest__Output as _pikube_node_v1_LogRequest__Output } from '../../../pikube/node/v1/LogRequest';
import type { ExecRequest as _pikube_node_v1_ExecRequest, ExecRequest__Output as _pikube_node_v1_ExecRequest__Output } from '../../../pikube/node/v1/ExecRequest';

export interface StreamRequest {
  'stream_id'?: (string);
  'logs'?: (_pikube_node_v1_LogRequest | null);
  'exec'?: (_pikube_node_v1_ExecRequest | null);
  'kind'?: "logs"|"exec";
}

export interface StreamRequest__Output {
  'stream_id': (string);
  'logs'?: (_pikube_node_v1_LogRequest__Output | null);
  'exec'?: (_pikube_node_v1_ExecRequest__Output | null);
  'kind'?: "logs"|"exec";
}
