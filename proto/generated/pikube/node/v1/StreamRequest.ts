// Original file: proto/node.proto

import type { LogRequest as _pikube_node_v1_LogRequest, LogRequest__Output as _pikube_node_v1_LogRequest__Output } from '../../../pikube/node/v1/LogRequest';
import type { ExecRequest as _pikube_node_v1_ExecRequest, ExecRequest__Output as _pikube_node_v1_ExecRequest__Output } from '../../../pikube/node/v1/ExecRequest';
import type { PortForwardRequest as _pikube_node_v1_PortForwardRequest, PortForwardRequest__Output as _pikube_node_v1_PortForwardRequest__Output } from '../../../pikube/node/v1/PortForwardRequest';

export interface StreamRequest {
  'stream_id'?: (string);
  'logs'?: (_pikube_node_v1_LogRequest | null);
  'exec'?: (_pikube_node_v1_ExecRequest | null);
  'port_forward'?: (_pikube_node_v1_PortForwardRequest | null);
  'attach'?: (_pikube_node_v1_ExecRequest | null);
  'kind'?: "logs"|"exec"|"port_forward"|"attach";
}

export interface StreamRequest__Output {
  'stream_id': (string);
  'logs'?: (_pikube_node_v1_LogRequest__Output | null);
  'exec'?: (_pikube_node_v1_ExecRequest__Output | null);
  'port_forward'?: (_pikube_node_v1_PortForwardRequest__Output | null);
  'attach'?: (_pikube_node_v1_ExecRequest__Output | null);
  'kind'?: "logs"|"exec"|"port_forward"|"attach";
}
